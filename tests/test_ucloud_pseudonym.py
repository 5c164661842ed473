"""BSN pseudonyms: the 11-test, the key file's mode, domains per project."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from groengezond.errors import InputError
from groengezond.ucloud.pseudonym import (
    Pseudonymiser,
    PseudonymKeyError,
    bsn_valid,
    bsn_valid_array,
    load_key,
)
from groengezond.ucloud.synthpop import valid_bsns
from ucloud_support import KEY, write_key


def test_eleven_test() -> None:
    # 111222333: 9*1+8*1+7*1+6*2+5*2+4*2+3*3+2*3-1*3 = 66 = 6*11
    assert bsn_valid("111222333") and bsn_valid("999990019")
    assert not bsn_valid("111222334") and not bsn_valid("000000000")
    assert not bsn_valid("12345678a") and not bsn_valid("1234567890")
    assert bsn_valid("12345672") and bsn_valid("012345672")  # leading zero lost
    ints = np.array([111222333, 111222334, 999990019, 0])
    assert bsn_valid_array(ints).tolist() == [True, False, True, False]


def test_generated_bsns_are_valid_and_distinct() -> None:
    b = valid_bsns(50_000, np.random.default_rng(0))
    assert len(np.unique(b)) == 50_000 and bsn_valid_array(b).all()


def test_key_file_must_be_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GG_PSEUDONYM_KEY_FILE", raising=False)
    with pytest.raises(PseudonymKeyError, match="GG_PSEUDONYM_KEY_FILE"):
        load_key()
    key = write_key(tmp_path / "key", 0o644)
    with pytest.raises(PseudonymKeyError, match="mode 0644"):
        load_key(key)
    os.chmod(key, 0o640)
    with pytest.raises(PseudonymKeyError, match="0600"):
        load_key(key)
    os.chmod(key, 0o600)
    monkeypatch.setenv("GG_PSEUDONYM_KEY_FILE", str(key))
    assert load_key() == KEY
    short = tmp_path / "short"
    short.write_bytes(b"x" * 16)
    os.chmod(short, 0o600)
    with pytest.raises(PseudonymKeyError, match="32"):
        load_key(short)


def test_pseudonyms_are_keyed_and_differ_per_domain() -> None:
    a = Pseudonymiser(KEY, "project-a")
    b = Pseudonymiser(KEY, "project-b")
    other_key = Pseudonymiser(bytes(32), "project-a")
    p = a.one("111222333")
    assert len(p) == 32 and p == a.one("111222333")
    assert p != b.one("111222333") and p != other_key.one("111222333")
    assert "111222333" not in p
    assert a.many(["111222333", "999990019"]).tolist() == [p, a.one("999990019")]
    assert a.many_int(np.array([111222333]))[0] == p


def test_invalid_bsn_is_named_by_row_never_by_number() -> None:
    with pytest.raises(InputError) as err:
        Pseudonymiser(KEY, "p").many(["111222333", "123456789"], file="wmo.csv")
    assert "row 2" in str(err.value) and "123456789" not in str(err.value)
    with pytest.raises(ValueError) as err2:
        Pseudonymiser(KEY, "p").one("123456789")
    assert "123456789" not in str(err2.value)
