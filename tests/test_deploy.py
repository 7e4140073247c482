"""deploy/: the nginx config in front of the replicas renders, passes ``nginx -t``, and keeps
what the replicas need (sticky cookie, websocket upgrade, upload and media paths) and what
participants need (no rejoin token in the access log)."""

from __future__ import annotations

import os
import re

import pytest

from deploy.replicas import TEMPLATE, NginxProxy, nginx_binary, render_config

IN_CI = os.environ.get("CSC_DASH_CI") == "1"


def rendered(tmp_path, upstreams=("127.0.0.1:8501", "127.0.0.1:8502")) -> str:
    return render_config(folder=tmp_path, listen="127.0.0.1:8080", upstreams=list(upstreams),
                         max_body_mb=37)  # fmt: skip


def test_every_placeholder_is_filled_and_every_replica_listed(tmp_path):
    text = rendered(tmp_path, ("127.0.0.1:8501", "127.0.0.1:8502", "127.0.0.1:8503"))
    assert "{{" not in text and "}}" not in text
    assert re.findall(r"server (127\.0\.0\.1:\d+) max_fails", text) == [
        "127.0.0.1:8501", "127.0.0.1:8502", "127.0.0.1:8503"
    ]  # fmt: skip
    assert "listen 127.0.0.1:8080;" in text
    assert "client_max_body_size 37m;" in text
    assert f"pid {tmp_path}/nginx.pid;" in text


def test_no_replica_is_an_error(tmp_path):
    with pytest.raises(ValueError):
        rendered(tmp_path, ())


def test_sticky_cookie_websockets_uploads_and_media(tmp_path):
    text = rendered(tmp_path)
    assert "hash $csc_affinity consistent;" in text
    assert "map $cookie_csc_replica $csc_affinity" in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_set_header Connection $connection_upgrade;" in text
    for path in ("location = /_stcore/stream", "location /_stcore/upload_file/",
                 "location /media/", "location = /_stcore/health"):  # fmt: skip
        assert path in text
    # A location that sets any proxy_set_header loses the inherited ones (the websocket upgrade
    # among them): they all stay at server level.
    locations = re.findall(r"location [^{]+\{([^}]*)\}", text)
    assert locations and all("proxy_set_header" not in body for body in locations)


def test_the_access_log_never_holds_the_query_string():
    """``?p=`` is a participant's rejoin token: whoever reads the log could act as them."""
    log_format = TEMPLATE.read_text().split("log_format", 1)[1].split(";", 1)[0]
    for variable in ("$request ", "$request'", "$request_uri", "$args", "$query_string", "$arg_"):
        assert variable not in log_format
    assert "$uri" in log_format


def test_nginx_accepts_the_config(tmp_path):
    if nginx_binary() is None:
        message = "nginx is not installed (Debian: apt-get install nginx)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    proxy = NginxProxy(port=8080, upstreams=["127.0.0.1:8501"], folder=tmp_path)
    proxy.write_config()
    proxy.check()  # nginx -t; raises with nginx's words if it is wrong
    with pytest.raises(RuntimeError, match="nginx -t failed"):
        proxy.config_path.write_text(proxy.config_path.read_text().replace("events {", "events {{"))
        proxy.check()
