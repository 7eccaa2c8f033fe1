"""The HTTP API of a real `coastguard serve`: Dovecot policy shapes, admin auth, bad input,
and persistence across kill -9."""
import os
import signal

from http_util import http_pipeline, post, request, request_json

ALLOW_BODY = {"device_id": "", "login": "alice@example.com", "protocol": "imap",
              "pwhash": "08e7", "remote": "203.0.113.9", "session_id": "UHlIiD5hhrB/AAAB",
              "tls": False}


def report(cg, login, pwhash, remote, success):
    body = {"login": login, "pwhash": pwhash, "remote": remote, "protocol": "imap",
            "success": success, "policy_reject": False, "tls": False}
    return request_json("POST", cg.url("/?command=report"), body, cg.policy_headers())


def test_allow_answers_in_dovecot_shape(coastguard):
    cg = coastguard()
    status, reply = request_json("POST", cg.url("/?command=allow"), ALLOW_BODY,
                                 cg.policy_headers())
    assert status == 200
    assert reply == {"status": 0, "msg": "", "r_attrs": {}}
    status, reply = request_json("POST", cg.url("/command/allow"), ALLOW_BODY,
                                 cg.policy_headers())
    assert status == 200 and reply["status"] == 0


def test_brute_force_from_one_ip_is_rejected_with_message(coastguard):
    cg = coastguard('[dovecot]\nreject_message = "Blocked by coastguard"\n')
    for i in range(8):
        report(cg, "alice@example.com", f"{i:04x}", "203.0.113.9", False)
    status, reply = request_json("POST", cg.url("/?command=allow"), ALLOW_BODY,
                                 cg.policy_headers())
    assert status == 200
    assert reply["status"] == -1
    assert reply["msg"] == "Blocked by coastguard"


def test_pipelined_requests_are_all_answered_promptly(coastguard):
    """HTTP/1.1 pipelining: requests already read wait for the next loop turn, not for the next
    byte from the client (libmicrohttpd's epoll is edge-triggered)."""
    cg = coastguard()
    requests = [post("/?command=allow", {"login": f"u{i}@example.com", "remote": "198.51.100.9",
                                         "protocol": "imap"}, cg.policy_headers())
                for i in range(20000)]
    # Before the fix, the rest of a pipeline was served 16 requests per second (the daemon's
    # timer): 20,000 would take 20 minutes. The deadline is a failure bound far from either.
    replies = http_pipeline(cg.port, requests, chunk=len(requests), deadline=120)
    assert len(replies) == 20000 and all(status == 200 for status, _ in replies)


def test_malformed_and_oversized_bodies_get_400_with_reason(coastguard):
    cg = coastguard('[server]\nmax_body_bytes = 1024\n')
    status, reply = request_json("POST", cg.url("/?command=allow"), b"{not json",
                                 cg.policy_headers())
    assert status == 400 and reply["status"] == "failure" and reply["reason"]
    status, reply = request_json("POST", cg.url("/v1/auth/check"), b"x" * 5000)
    assert status == 400 and "larger" in reply["error"]
    status, reply = request_json("POST", cg.url("/?command=allow"),
                                 {"login": "a", "remote": "not-an-ip"}, cg.policy_headers())
    assert status == 400 and "remote" in reply["reason"]
    # The server is still up and answering.
    assert request("GET", cg.url("/healthz"))[0] == 200


def test_policy_endpoints_need_the_generated_key(coastguard):
    cg = coastguard()
    admin = {"Authorization": "Bearer " + cg.admin_token()}
    forged = {"login": "victim@example.com", "pwhash": "0abc", "remote": "198.51.100.66",
              "protocol": "imap", "success": True, "policy_reject": False}
    # Without the key, or with a wrong one: 401, and the engine learns nothing.
    for headers in ({}, {"X-API-Key": "guess"}):
        status, reply = request_json("POST", cg.url("/?command=report"), forged, headers)
        assert status == 401 and reply["status"] == "failure"
        assert request("POST", cg.url("/v1/auth/report"), {"ts": 0, "kind": "auth",
                       "protocol": "imap", "ip": "198.51.100.66", "login": "victim@example.com",
                       "outcome": "success"}, headers)[0] == 401
        assert request("POST", cg.url("/command/allow"), ALLOW_BODY, headers)[0] == 401
    status, victim = request_json("GET", cg.url("/v1/entities/login/victim@example.com"),
                                  headers=admin)
    assert status == 200 and victim["familiarity"]["sources"] == 0
    status, metrics = request("GET", cg.url("/metrics"))
    assert "coastguard_reports_total 0" in metrics and "coastguard_checks_total 0" in metrics
    # With the key, the same report is taken.
    status, _ = request_json("POST", cg.url("/?command=report"), forged, cg.policy_headers())
    assert status == 200
    _, victim = request_json("GET", cg.url("/v1/entities/login/victim@example.com"), headers=admin)
    assert victim["familiarity"]["sources"] > 0
    # The key is the one `coastguard config dovecot` prints for Dovecot.
    assert f"auth_policy_server_api_header = {cg.policy_key()}\n" in cg.dovecot_lines()
    assert os.stat(os.path.join(cg.data_dir, "policy_key")).st_mode & 0o077 == 0


def test_configured_policy_credentials_replace_the_generated_key(coastguard):
    cg = coastguard('[dovecot]\napi_key = "operator-chosen-key"\n')
    assert not os.path.exists(os.path.join(cg.data_dir, "policy_key"))
    assert request("POST", cg.url("/command/allow"), ALLOW_BODY)[0] == 401
    assert request("POST", cg.url("/command/allow"), ALLOW_BODY,
                   {"X-API-Key": "operator-chosen-key"})[0] == 200
    assert "auth_policy_server_api_header = operator-chosen-key\n" in cg.dovecot_lines()


def test_admin_endpoints_need_the_token(coastguard):
    cg = coastguard()
    assert request("GET", cg.url("/v1/blocks"))[0] == 401
    assert request("GET", cg.url("/v1/blocks"), headers={"Authorization": "Bearer wrong"})[0] == 401
    headers = {"Authorization": "Bearer " + cg.admin_token()}
    status, reply = request_json("GET", cg.url("/v1/blocks"), headers=headers)
    assert status == 200 and reply == {"blocks": []}


def test_blocks_survive_kill_9(coastguard, workdir):
    cg = coastguard()
    headers = {"Authorization": "Bearer " + cg.admin_token()}
    status, _ = request_json("POST", cg.url("/v1/blocks"),
                             {"network": "198.51.100.0/24", "ttl_seconds": 3600}, headers)
    assert status == 201
    # Familiarity: a success from the office.
    report(cg, "bob@example.com", "abcd", "192.0.2.10", True)
    # Group commit is 200 ms; "nothing acknowledged more than one second before is lost".
    import time
    time.sleep(1.0)  # the contract under test is about elapsed time, not an event
    cg.proc.send_signal(signal.SIGKILL)
    cg.proc.wait()
    cg.stop()
    again = coastguard(data_dir=cg.data_dir)
    status, reply = request_json("GET", again.url("/v1/blocks"), headers=headers)
    assert [b["subject"] for b in reply["blocks"]] == ["198.51.100.0/24"]
    # /24, /16, the habit of logging in without a client id, and the address itself.
    assert "restored 4 familiarity entries" in again.read_log()
