"""Who may send a file to Streamlit's upload endpoint (``PUT /_stcore/upload_file/<session>/<id>``).

Hiding ``st.file_uploader`` is not enough: anyone who opens a websocket session and makes their
own XSRF cookie/header pair can PUT files to that endpoint, and Streamlit holds every file in
memory while the session lives. This module closes the endpoint server-side:

- :func:`permit` is called on every script run (by :func:`csc_dash.ui.accounts.gate`) with
  whether this session may upload: in local demo mode everyone (one person on their own
  computer), on a workshop server only a signed-in analyst, facilitator or admin (the roles that
  can open "Your own model"). A session that may not upload loses any file it holds.
- :func:`install` (once per process, as app.py's first statement, so before its slow imports)
  wraps the runtime's ``is_active_session``, which Streamlit
  1.67's upload handler asks *before it reads the request body*: for a session not permitted
  the upload is answered 400 and never read. It also keeps only the newest file of a session,
  so an analyst holds at most one file of at most ``server.maxUploadSize`` (set to the app's
  own cap, :func:`csc_dash.config.max_upload_mb`, whichever is smaller).

If Streamlit's internals are not as expected, :func:`install` fails closed: uploads are refused
for every session (``csc_dash_upload_gate`` is logged), never silently left open.
"""

from __future__ import annotations

import logging
import threading

from csc_dash import config

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
_PERMITTED: set[str] = set()
_MARK = "_csc_dash_upload_gate"
_PRUNE_AT = 512


def permitted(session_id: str) -> bool:
    with _LOCK:
        return session_id in _PERMITTED


def _runtime():
    from streamlit import runtime

    return runtime.get_instance() if runtime.exists() else None


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return getattr(ctx, "session_id", None)


def install() -> bool:
    """Close the upload endpoint to sessions not permitted; idempotent. True once installed."""
    rt = _runtime()
    if rt is None:  # AppTest, or no server: nothing to guard
        return False
    if getattr(rt, _MARK, False):
        return True
    with _LOCK:
        if getattr(rt, _MARK, False):
            return True
        try:
            original_active = rt.is_active_session
            manager = rt.uploaded_file_mgr
            original_add = manager.add_file
        except AttributeError:  # pragma: no cover - Streamlit changed: fail closed
            log.error("csc_dash_upload_gate: Streamlit internals changed; uploads refused")
            rt.is_active_session = lambda _sid: False
            setattr(rt, _MARK, True)
            return True

        def is_active_and_permitted(session_id: str) -> bool:
            active = original_active(session_id)
            if not active:
                with _LOCK:
                    _PERMITTED.discard(session_id)
            return bool(active) and permitted(session_id)

        def add_newest_only(session_id: str, file) -> None:
            if not permitted(session_id):  # permission withdrawn while the body was arriving
                return
            original_add(session_id, file)
            for old in list(getattr(manager, "file_storage", {}).get(session_id, {})):
                if old != file.file_id:
                    manager.remove_file(session_id, old)

        rt.is_active_session = is_active_and_permitted
        manager.add_file = add_newest_only
        _cap_server_upload_size()
        setattr(rt, _MARK, True)
    # Files sent before the gate stood (a session's first run starts before app.py runs, and
    # the first run of a process imports for seconds): every one goes, whoever sent it.
    for session_id in list(getattr(manager, "file_storage", {})):
        if not permitted(session_id):
            forget_files(session_id)
    return True


def _cap_server_upload_size() -> None:
    """``server.maxUploadSize`` no larger than the app's own cap (CSC_DASH_MAX_UPLOAD_MB)."""
    from streamlit import config as st_config

    cap = config.max_upload_mb()
    if int(st_config.get_option("server.maxUploadSize")) > cap:
        st_config.set_option("server.maxUploadSize", cap)


def permit(allowed: bool) -> None:
    """Say whether this session may upload; a session that may not loses any file it holds."""
    session_id = _session_id()
    if session_id is None:
        return
    install()
    with _LOCK:
        if allowed:
            _PERMITTED.add(session_id)
            stale = len(_PERMITTED) > _PRUNE_AT
        else:
            _PERMITTED.discard(session_id)
            stale = False
    if not allowed:
        forget_files(session_id)
    if stale:
        _prune()


def forget_files(session_id: str | None = None) -> None:
    """Drop every file this session (or ``session_id``) has uploaded from the server's memory."""
    session_id = session_id or _session_id()
    rt = _runtime()
    if rt is None or session_id is None:
        return
    remove = getattr(rt.uploaded_file_mgr, "remove_session_files", None)
    if remove is not None:
        remove(session_id)


def _prune() -> None:
    rt = _runtime()
    if rt is None:
        return
    with _LOCK:
        ids = list(_PERMITTED)
    for session_id in ids:
        rt.is_active_session(session_id)  # discards ended sessions
