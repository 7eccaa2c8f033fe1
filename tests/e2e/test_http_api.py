"""The HTTP API of a real `coastguard serve`: Dovecot policy shapes, admin auth, bad input,
and persistence across kill -9."""
import os
import signal

from http_util import request, request_json

ALLOW_BODY = {"device_id": "", "login": "alice@example.com", "protocol": "imap",
              "pwhash": "08e7", "remote": "203.0.113.9", "session_id": "UHlIiD5hhrB/AAAB",
              "tls": False}


def report(cg, login, pwhash, remote, success):
    body = {"login": login, "pwhash": pwhash, "remote": remote, "protocol": "imap",
            "success": success, "policy_reject": False, "tls": False}
    return request_json("POST", cg.url("/?command=report"), body)


def test_allow_answers_in_dovecot_shape(coastguard):
    cg = coastguard()
    status, reply = request_json("POST", cg.url("/?command=allow"), ALLOW_BODY)
    assert status == 200
    assert reply == {"status": 0, "msg": "", "r_attrs": {}}
    status, reply = request_json("POST", cg.url("/command/allow"), ALLOW_BODY)
    assert status == 200 and reply["status"] == 0


def test_brute_force_from_one_ip_is_rejected_with_message(coastguard):
    cg = coastguard('[dovecot]\nreject_message = "Blocked by coastguard"\n')
    for i in range(8):
        report(cg, "alice@example.com", f"{i:04x}", "203.0.113.9", False)
    status, reply = request_json("POST", cg.url("/?command=allow"), ALLOW_BODY)
    assert status == 200
    assert reply["status"] == -1
    assert reply["msg"] == "Blocked by coastguard"


def test_malformed_and_oversized_bodies_get_400_with_reason(coastguard):
    cg = coastguard('[server]\nmax_body_bytes = 1024\n')
    status, reply = request_json("POST", cg.url("/?command=allow"), b"{not json")
    assert status == 400 and reply["status"] == "failure" and reply["reason"]
    status, reply = request_json("POST", cg.url("/v1/auth/check"), b"x" * 5000)
    assert status == 400 and "larger" in reply["error"]
    status, reply = request_json("POST", cg.url("/?command=allow"),
                                 {"login": "a", "remote": "not-an-ip"})
    assert status == 400 and "remote" in reply["reason"]
    # The server is still up and answering.
    assert request("GET", cg.url("/healthz"))[0] == 200


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
    assert "restored 2 familiarity entries" in again.read_log()
