#!/usr/bin/python3
"""An SMTP server for tests that requires AUTH (PLAIN or LOGIN) without TLS and accepts one password.

Usage: smtp_auth_server.py PORT USER PASSWORD_FILE OUT_DIR. The password is read from PASSWORD_FILE at each
login attempt (so a test can change it); each accepted message is written to OUT_DIR/<n>.eml with an
`X-Auth-Login: user` line first; each refused login appends a line to OUT_DIR/refused."""
import os
import sys
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

port, user, password_file, out_dir = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
os.makedirs(out_dir, exist_ok=True)


def authenticator(server, session, envelope, mechanism, auth_data):
    if not isinstance(auth_data, LoginPassword):
        return AuthResult(success=False, handled=False)
    with open(password_file, "rb") as f:
        expected = f.read().decode()
    ok = auth_data.login.decode() == user and auth_data.password.decode() == expected
    if not ok:
        with open(os.path.join(out_dir, "refused"), "a") as f:
            f.write(auth_data.login.decode() + "\n")
    return AuthResult(success=ok, auth_data=auth_data.login)


class Handler:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        login = session.auth_data.decode() if isinstance(session.auth_data, bytes) else ""
        path = os.path.join(out_dir, f"{Handler.count}.eml")
        with open(path + ".tmp", "wb") as f:
            f.write(b"X-Auth-Login: " + login.encode() + b"\r\n" + envelope.content)
        os.rename(path + ".tmp", path)
        return "250 OK"


controller = Controller(Handler(), hostname="127.0.0.1", port=port, authenticator=authenticator,
                        auth_require_tls=False, auth_required=True)
controller.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
