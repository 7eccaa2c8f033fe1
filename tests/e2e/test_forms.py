"""The form guard's HTTP API on a real `coastguard serve`: verdicts, bad input, render tokens,
ALTCHA challenges and the campaign events stream."""
import json
import os

from http_util import request, request_json

NO_POSTFIX = '[postfix]\nlisten = ""\n'


def check(cg, body):
    return request_json("POST", cg.url("/v1/forms/check"), body, cg.policy_headers())


def signup(name, email, ip="198.51.100.7", comment="", sub_id=""):
    return {"form": "signup", "ip": ip, "user_agent": "Mozilla/5.0 Firefox/128.0",
            "recipient": email, "id": sub_id,
            "fields": {"first_name": name, "email": email, "comment": comment,
                       "password": "correct horse battery staple"},
            "roles": {"first_name": "name", "email": "email", "comment": "text",
                      "password": "secret"}}


def test_honest_signups_in_many_scripts_are_accepted(coastguard):
    cg = coastguard(NO_POSTFIX)
    names = ["Zoë", "José-María", "O'Brien", "Nguyễn Văn An", "李雷", "Ørjan", "Αλέξανδρος",
             "Олександр"]
    for i, name in enumerate(names):
        status, reply = check(cg, signup(name, f"person{i}@example.org", ip=f"203.0.113.{i}"))
        assert status == 200
        assert reply == {"verdict": "accept", "reasons": [], "score": 0.0}, name


def test_lure_in_name_and_header_injection_are_rejected(coastguard):
    cg = coastguard(NO_POSTFIX)
    status, reply = check(cg, signup("Claim your prize: https://win.example.net/x", "v@example.org"))
    assert status == 200 and reply["verdict"] == "reject"
    assert "url_in_name" in reply["reasons"]
    status, reply = check(cg, signup("Bob\r\nBcc: many@example.net", "w@example.org"))
    assert reply["verdict"] == "reject" and "header_injection" in reply["reasons"]
    status, reply = check(cg, signup("Bob", "a@example.org, b@example.org"))
    assert reply["verdict"] == "reject" and "multiple_addresses" in reply["reasons"]


def test_bad_bodies_get_400_with_a_reason(coastguard):
    cg = coastguard(NO_POSTFIX)
    for body, reason in [(b"{not json", "JSON"), ({"ip": "1.2.3.4"}, "missing form"),
                         ({"form": "x", "ip": "nope"}, "ip is not an IP address"),
                         ({"form": "x y", "ip": "1.2.3.4"}, "form must be"),
                         ({"form": "x", "ip": "1.2.3.4", "fields": {"a": 1}},
                          "field values must be strings")]:
        status, reply = check(cg, body)
        assert status == 400, body
        assert reason in reply["error"], (body, reply)
    status, _ = request_json("GET", cg.url("/v1/forms/check"))
    assert status == 405


def test_render_token_is_timed_and_single_use(coastguard):
    cg = coastguard(NO_POSTFIX + '[forms]\nmin_fill = "2s"\ntoken_required = true\n')
    status, reply = request_json("GET", cg.url("/v1/forms/token?form=signup"))
    assert status == 200 and reply["form"] == "signup"
    body = signup("Anna", "anna@example.org")
    body["token"] = reply["token"]
    _, first = check(cg, body)  # submitted at once: faster than a person fills a form
    assert "too_fast" in first["reasons"]
    body["recipient"] = body["fields"]["email"] = "anna2@example.org"
    _, second = check(cg, body)
    assert "token_reused" in second["reasons"]
    del body["token"]
    body["recipient"] = body["fields"]["email"] = "anna3@example.org"
    _, third = check(cg, body)
    assert "token_missing" in third["reasons"]


def test_challenge_has_the_altcha_shape(coastguard):
    cg = coastguard(NO_POSTFIX)
    status, reply = request_json("GET", cg.url("/v1/forms/challenge"))
    assert status == 200
    assert set(reply) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert reply["algorithm"] == "SHA-256" and "?expires=" in reply["salt"]


def test_campaign_is_held_and_published_as_an_event(coastguard):
    cg = coastguard(NO_POSTFIX)
    verdicts = []
    for i in range(4):
        _, reply = check(cg, signup("Sam", f"target{i}@example.org", ip=f"192.0.2.{i + 1}",
                                    comment=f"Your voucher: https://vouchers.example/{i * 7919}",
                                    sub_id=f"s{i}"))
        verdicts.append(reply["verdict"])
    assert verdicts == ["accept", "accept", "hold", "hold"]
    status, _ = request_json("GET", cg.url("/v1/forms/events"))
    assert status == 401
    status, reply = request_json("GET", cg.url("/v1/forms/events"),
                                 headers={"Authorization": f"Bearer {cg.admin_token()}"})
    assert status == 200
    events = reply["events"]
    assert len(events) == 1
    assert events[0]["reason"] == "campaign_domain"
    assert events[0]["key"] == "vouchers.example"
    assert events[0]["earlier_ids"] == ["s0", "s1"]
    assert cg.logged('form campaign form=signup reason=campaign_domain key="vouchers.example"')
    status, metrics = request("GET", cg.url("/metrics"))
    assert 'coastguard_form_checks_total{verdict="hold"} 2' in metrics
    assert 'coastguard_form_campaigns_total 1' in metrics


def test_what_the_form_guard_learned_survives_a_restart(coastguard):
    cg = coastguard(NO_POSTFIX)
    link = "see https://code.example.net/a"
    _, first = check(cg, signup("Ana", "ana@example.org", comment=link))
    assert "new_url_domain" in first["reasons"]  # the guard meets code.example.net
    cg.stop()  # SIGTERM: saved on the way out
    path = os.path.join(cg.data_dir, "forms.learned")
    cg.start()
    assert "forms.learned" not in cg.read_log()  # read back without complaint
    # After the restart the domain is still known: its first-seen date came back from disk.
    _, again = check(cg, signup("Ben", "ben@example.org", comment=link))
    assert "new_url_domain" not in again["reasons"], again
    cg.stop()
    with open(path, "r+b") as f:  # a damaged file is reported, and the guard starts afresh
        f.seek(10)
        byte = f.read(1)
        f.seek(10)
        f.write(bytes([byte[0] ^ 0xff]))
    cg.start()
    assert cg.logged("forms.learned: checksum mismatch; the form guard starts without it"), \
        cg.read_log()
