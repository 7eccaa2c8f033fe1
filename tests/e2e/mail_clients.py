"""Standard-library mail clients that connect from a chosen loopback source address, so that
one test machine can play many client IPs (127.0.0.0/8 is all loopback on Linux)."""
import imaplib
import poplib
import smtplib
import socket


class FromSource:
    """Mixin for the stdlib clients: connect from `source` (both call _create_socket)."""

    def __init__(self, port, source="127.0.0.1"):
        self._source = source
        super().__init__("127.0.0.1", port, timeout=30)

    def _create_socket(self, timeout):
        return socket.create_connection((self.host, self.port), timeout,
                                        source_address=(self._source, 0))


class Imap(FromSource, imaplib.IMAP4):
    pass


class Pop3(FromSource, poplib.POP3):
    pass


def imap_login(port, user, password, source="127.0.0.1"):
    """Returns None on success, or the server's NO text."""
    client = Imap(port, source)
    try:
        client.login(user, password)
        client.logout()
        return None
    except imaplib.IMAP4.error as e:
        return str(e)
    finally:
        try:
            client.shutdown()
        except OSError:
            pass


def pop3_login(port, user, password, source="127.0.0.1"):
    client = Pop3(port, source)
    try:
        client.user(user)
        client.pass_(password)
        client.quit()
        return None
    except poplib.error_proto as e:
        return str(e)
    finally:
        client.close()


def smtp_login(port, user, password, source="127.0.0.1"):
    with smtplib.SMTP("127.0.0.1", port, source_address=(source, 0), timeout=30) as client:
        client.ehlo("client.example.net")
        try:
            client.login(user, password)
            return None
        except smtplib.SMTPAuthenticationError as e:
            return f"{e.smtp_code} {e.smtp_error.decode(errors='replace')}"
