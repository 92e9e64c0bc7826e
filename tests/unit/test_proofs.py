"""What a connection proves is keyed exactly as the resolver keys the same account."""

from __future__ import annotations

from functions.core.models import Connection
from functions.core.ownership.proofs import proven_by
from functions.core.ownership.urls import owner_key


def test_a_youtube_connection_proves_its_case_sensitive_channel_id():
    channel = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
    connection = Connection("u", "youtube", identity=f"youtube#{channel}", handle=None)
    resolved = owner_key(f"https://www.youtube.com/channel/{channel}", "youtube")
    assert resolved == f"youtube:{channel}"
    assert resolved in proven_by(connection)


def test_case_insensitive_platforms_prove_lower_case_keys():
    connection = Connection("u", "github", identity="github#583231", handle="OctoCat")
    assert proven_by(connection) == {"github:583231", "github:octocat"}
