"""The leak scan's own check: it finds a secret planted raw, URL-encoded, deep in a folder or in
process evidence, names only its last four characters, and skips what it is told to skip."""

import pathlib
import urllib.parse

from conftest import find_leaks


def test_the_scanner_finds_planted_secrets(tmp_path: pathlib.Path):
    secret = "EAAB-planted/secret+value=="
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "Local Storage.sqlite").write_bytes(b"\x00junk" + secret.encode() + b"\x00")
    (tmp_path / "url.log").write_text("GET /debug_token?input_token=" + urllib.parse.quote(secret, safe=""))
    (tmp_path / "keyrings").mkdir()
    (tmp_path / "keyrings" / "login.keyring").write_text(secret)
    (tmp_path / "clean.txt").write_text("nothing here")
    evidence = [("cmdline of process 1", b"gatehouse\x00--token\x00" + secret.encode())]

    hits, files, _ = find_leaks({secret}, [tmp_path], evidence, exclude=[tmp_path / "keyrings"])

    assert files == 3
    assert len(hits) == 3, hits
    assert all(secret not in h for h in hits), "a hit names only the last characters"
    assert any("Local Storage.sqlite" in h for h in hits)
    assert any("url.log" in h for h in hits)
    assert any("cmdline of process 1" in h for h in hits)
    assert find_leaks({secret}, [tmp_path / "clean.txt"], [])[0] == []
