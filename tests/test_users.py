"""Users file: hashes only, private, changed whole and atomically, and what it refuses."""

import json
import stat
import threading
from pathlib import Path

import pytest
from argon2 import PasswordHasher, profiles

from recovery.users import (
    InvalidUser,
    UnknownUser,
    User,
    UserExists,
    UsersFileDamaged,
    UserStore,
    WeakPassword,
)

PASSWORD = "correct horse battery"
OTHER_PASSWORD = "Tr0ub4dor&3-staple"


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    # The cheapest Argon2 parameters: the same code path, a thousandth of the time.
    return UserStore(
        tmp_path / "config" / "users.json", PasswordHasher.from_parameters(profiles.CHEAPEST)
    )


def test_a_user_logs_in_with_their_password_only(store: UserStore) -> None:
    manager = User("张三", "manager", ("总部电催一组",))
    store.add(manager, PASSWORD)
    assert store.verify("张三", PASSWORD) == manager
    assert store.verify("张三", OTHER_PASSWORD) is None
    assert store.verify("张三", "") is None
    assert store.verify("李四", PASSWORD) is None
    assert store.verify("张三 ", PASSWORD) is None


def test_the_file_holds_salted_hashes_and_only_its_owner_may_read_it(store: UserStore) -> None:
    store.add(User("exec", "executive"), PASSWORD)
    store.add(User("analyst", "analyst", may_see_unmasked=True), PASSWORD)
    text = store.path.read_text("utf-8")
    assert PASSWORD not in text
    content = json.loads(text)
    assert [u["name"] for u in content["users"]] == ["analyst", "exec"]
    hashes = [u["password_hash"] for u in content["users"]]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert hashes[0] != hashes[1], "the same password must hash differently (random salt)"
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.is_private()
    assert [p.name for p in store.path.parent.iterdir() if p.suffix == ".tmp"] == []


def test_listing_roles_teams_and_masking(store: UserStore) -> None:
    store.add(User("mgr", "manager", ("T1", "T2")), PASSWORD)
    store.add(User("boss", "executive", may_see_unmasked=True), PASSWORD)
    assert [entry.user for entry in store.users()] == [
        User("boss", "executive", (), True),
        User("mgr", "manager", ("T1", "T2"), False),
    ]
    assert all(entry.password_changed_at.endswith("+00:00") for entry in store.users())
    mgr = store.get("mgr")
    assert mgr is not None and mgr.sees_team("T1") and not mgr.sees_team("T3")
    assert User("boss", "executive").sees_team("T3")


def test_a_new_password_replaces_the_old_and_a_removed_user_is_gone(store: UserStore) -> None:
    store.add(User("mgr", "manager", ("T1",)), PASSWORD)
    store.set_password("mgr", OTHER_PASSWORD)
    assert store.verify("mgr", PASSWORD) is None
    assert store.verify("mgr", OTHER_PASSWORD) == User("mgr", "manager", ("T1",))
    assert store.remove("mgr") == User("mgr", "manager", ("T1",))
    assert store.verify("mgr", OTHER_PASSWORD) is None
    assert store.users() == []


@pytest.mark.parametrize(
    ("change", "error", "message"),
    [
        (lambda s: s.add(User("mgr", "analyst"), PASSWORD), UserExists, "exists already"),
        (lambda s: s.remove("nobody"), UnknownUser, "no user named 'nobody'"),
        (lambda s: s.set_password("nobody", PASSWORD), UnknownUser, "recovery users list"),
        (lambda s: s.add(User("x", "analyst"), "short"), WeakPassword, "at least 10"),
        (lambda s: s.add(User("x", "analyst"), " padded password "), WeakPassword, "space"),
        (lambda s: s.add(User("x", "analyst"), "x" * 2000), WeakPassword, "too long"),
        (lambda s: s.add(User("x", "manager"), PASSWORD), InvalidUser, "--team"),
        (lambda s: s.add(User("x", "boss"), PASSWORD), InvalidUser, "executive, manager"),  # type: ignore[arg-type]
        (lambda s: s.add(User("two words", "analyst"), PASSWORD), InvalidUser, "no spaces"),
        (lambda s: s.add(User("tab\there", "analyst"), PASSWORD), InvalidUser, "control"),
        (lambda s: s.add(User("", "analyst"), PASSWORD), InvalidUser, "user name"),
        (lambda s: s.add(User("n" * 65, "analyst"), PASSWORD), InvalidUser, "at most 64"),
        (lambda s: s.add(User("x", "analyst", (" ",)), PASSWORD), InvalidUser, "team name"),
    ],
)
def test_changes_refused_with_a_message_and_nothing_changed(
    store: UserStore, change, error: type[Exception], message: str
) -> None:
    store.add(User("mgr", "manager", ("T1",)), PASSWORD)
    before = store.path.read_bytes()
    with pytest.raises(error, match=message):
        change(store)
    assert store.path.read_bytes() == before


def test_a_damaged_file_is_named_and_not_overwritten(store: UserStore) -> None:
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"version": 1, "users": [{"name": "x"}]}', "utf-8")
    with pytest.raises(UsersFileDamaged, match="restore it from a backup"):
        store.verify("x", PASSWORD)
    with pytest.raises(UsersFileDamaged, match=str(store.path)):
        store.add(User("y", "analyst"), PASSWORD)
    assert json.loads(store.path.read_text("utf-8"))["users"] == [{"name": "x"}]


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ({"role": "manager", "teams": []}, "give the teams they manage"),
        ({"role": "root"}, "role 'root'"),
        ({"teams": "T1"}, "teams is not a list"),
        ({"may_see_unmasked": "false"}, "may_see_unmasked"),
        ({"password_hash": None}, "password_hash is not text"),
    ],
)
def test_a_hand_edited_entry_that_would_widen_access_is_refused(
    store: UserStore, entry: dict, reason: str
) -> None:
    store.add(User("mgr", "manager", ("T1",)), PASSWORD)
    content = json.loads(store.path.read_text("utf-8"))
    content["users"][0] |= entry
    store.path.write_text(json.dumps(content), "utf-8")
    with pytest.raises(UsersFileDamaged, match=reason):
        store.verify("mgr", PASSWORD)


def test_an_unknown_name_costs_a_hash_check_like_a_wrong_password(tmp_path: Path) -> None:
    calls: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash, password):
            calls.append(password)
            return super().verify(hash, password)

    store = UserStore(tmp_path / "users.json", CountingHasher.from_parameters(profiles.CHEAPEST))
    store.add(User("known", "analyst"), PASSWORD)
    store.verify("known", OTHER_PASSWORD)
    store.verify("unknown", OTHER_PASSWORD)
    assert calls == [OTHER_PASSWORD, OTHER_PASSWORD]


def test_users_added_at_once_are_all_kept(store: UserStore) -> None:
    names = [f"user{i}" for i in range(12)]
    threads = [
        threading.Thread(target=store.add, args=(User(name, "analyst"), PASSWORD)) for name in names
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(entry.user.name for entry in store.users()) == sorted(names)


def test_a_file_others_can_read_is_reported(store: UserStore) -> None:
    store.add(User("x", "analyst"), PASSWORD)
    store.path.chmod(0o644)
    assert not store.is_private()
    store.set_password("x", OTHER_PASSWORD)
    assert store.is_private(), "a change writes the file private again"
