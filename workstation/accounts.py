"""Local staff accounts: roles, memory-hard password hashes, lock-out.

Passwords are hashed with scrypt (memory-hard, in the standard library) and a
random salt. Five wrong passwords in a row lock the account for
``LOCK_MINUTES``; a correct password after the lock ends resets the count.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlite_utils

from workstation import audit
from workstation.clock import now, now_iso, parse_iso
from workstation.db import write
from workstation.errors import AuthenticationFailed, NotFound, PermissionDenied, ValidationFailed
from workstation.i18n import t

ROLES = ("village_agent", "clerk", "admin")
ROLE_LABELS = {"village_agent": ("代办员", "Village agent"), "clerk": ("窗口人员", "Clerk"),
               "admin": ("管理员", "Administrator")}
MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 8
HISTORY = 5  # a new password may not be any of the last five
USERNAME_RE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,32}$")
# n=2**14, r=8 uses 16 MiB per hash: costly to brute-force, quick enough to sign in.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class User:
    username: str
    role: str
    display_name: str = ""
    active: bool = True

    def is_admin(self) -> bool:
        return self.role == "admin"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=64 * 1024 * 1024)
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def check_password(password: str, stored: str) -> bool:
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r),
                             p=int(p), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, base64.b64decode(digest))


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(t("密码太短", "Password too short"),
                               t(f"密码至少需要 {MIN_PASSWORD} 个字符。",
                                 f"A password needs at least {MIN_PASSWORD} characters."))
    if password.isdigit() or len(set(password)) < 4:
        raise ValidationFailed(t("密码太简单", "Password too simple"),
                               t("请不要只用数字或重复的字符。", "Do not use only digits or repeated characters."))


def add_user(db: sqlite_utils.Database, username: str, role: str, password: str,
             actor: str, display_name: str = "") -> User:
    if role not in ROLES:
        raise ValidationFailed(t("未知角色", "Unknown role"),
                               t(f"角色必须是 {', '.join(ROLES)} 之一。", f"Role must be one of {', '.join(ROLES)}."))
    if not USERNAME_RE.match(username):
        raise ValidationFailed(t("用户名无效", "Invalid user name"),
                               t("用户名为 2–32 个字母、数字、汉字或 . _ -。",
                                 "A user name is 2–32 letters, digits, Chinese characters or . _ -."))
    check_password_rules(password)
    hashed = hash_password(password)  # slow: outside the write lock
    with write(db):
        if db.execute("SELECT 1 FROM users WHERE username = ?", [username]).fetchone():
            raise ValidationFailed(t("用户已存在", "User exists"), username)
        at = now_iso()
        db.execute("INSERT INTO users (username, display_name, role, password_hash, created_at,"
                   " password_changed_at) VALUES (?, ?, ?, ?, ?, ?)",
                   [username, display_name or username, role, hashed, at, at])
        audit.append(db, actor, "user.add", detail={"username": username, "role": role})
    return User(username, role, display_name or username)


def get_user(db: sqlite_utils.Database, username: str) -> User:
    row = db.execute("SELECT username, role, display_name, active FROM users WHERE username = ?",
                     [username]).fetchone()
    if row is None:
        raise NotFound(t("没有这个用户", "No such user"),
                       t(f"用户“{username}”不存在。", f"User '{username}' does not exist."))
    return User(row[0], row[1], row[2], bool(row[3]))


def list_users(db: sqlite_utils.Database) -> list[User]:
    rows = db.execute("SELECT username, role, display_name, active FROM users ORDER BY username")
    return [User(r[0], r[1], r[2], bool(r[3])) for r in rows]


def acting_user(db: sqlite_utils.Database, username: str) -> User:
    """The user an action is done as; inactive accounts may not act."""
    user = get_user(db, username)
    if not user.active:
        raise PermissionDenied(t("账号已停用", "Account disabled"), username)
    return user


def authenticate(db: sqlite_utils.Database, username: str, password: str) -> User:
    """Check a password, counting failures; raises AuthenticationFailed."""
    row = db.execute("SELECT password_hash, failed_logins, locked_until, active FROM users"
                     " WHERE username = ?", [username]).fetchone()
    wrong = AuthenticationFailed(t("用户名或密码不正确", "Wrong user name or password"),
                                 t(f"连续输错 {MAX_FAILURES} 次将锁定 {LOCK_MINUTES} 分钟。",
                                   f"{MAX_FAILURES} wrong tries in a row lock the account for {LOCK_MINUTES} minutes."))
    if row is None or not row[3]:
        raise wrong
    stored, failures, locked_until = row[0], row[1], row[2]
    if locked_until and parse_iso(locked_until) > now():
        raise _locked(locked_until)
    if not check_password(password, stored):
        _record_failure(db, username, failures + 1)
        if failures + 1 >= MAX_FAILURES:
            raise _locked(_lock_end())
        raise wrong
    with write(db):
        db.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE username = ?",
                   [username])
        audit.append(db, username, "user.sign_in")
    return get_user(db, username)


def _lock_end() -> str:
    return (now() + timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds")


def _record_failure(db: sqlite_utils.Database, username: str, failures: int) -> None:
    locked = _lock_end() if failures >= MAX_FAILURES else None
    with write(db):
        db.execute("UPDATE users SET failed_logins = ?, locked_until = ? WHERE username = ?",
                   [0 if locked else failures, locked, username])
        audit.append(db, username, "user.sign_in_failed", detail={"locked": bool(locked)})


def _locked(until: str) -> AuthenticationFailed:
    local = parse_iso(until).astimezone().strftime("%H:%M")
    return AuthenticationFailed(t("账号已锁定", "Account locked"),
                                t(f"密码输错次数过多，请在 {local} 之后再试，或请管理员重置密码。",
                                  f"Too many wrong passwords. Try again after {local} or ask an administrator."))


def set_password(db: sqlite_utils.Database, username: str, password: str, actor: str) -> None:
    """Change a password: one's own, or anyone's by an admin (a reset, audited)."""
    by = acting_user(db, actor)
    if actor != username and not by.is_admin():
        raise PermissionDenied(t("无权修改他人密码", "Not allowed"),
                               t("只有管理员可以重置他人的密码。", "Only an administrator can reset another's password."))
    get_user(db, username)
    check_password_rules(password)
    current, history = db.execute("SELECT password_hash, password_history FROM users WHERE username = ?",
                                  [username]).fetchone()
    previous = [current, *json.loads(history)][:HISTORY]
    if any(check_password(password, old) for old in previous):
        raise ValidationFailed(t("不能使用最近用过的密码", "Do not reuse a recent password"),
                               t(f"新密码不能与最近 {HISTORY} 次使用的密码相同。",
                                 f"The new password must differ from the last {HISTORY}."))
    hashed = hash_password(password)
    with write(db):
        db.execute("UPDATE users SET password_hash = ?, password_history = ?, failed_logins = 0,"
                   " locked_until = NULL, password_changed_at = ? WHERE username = ?",
                   [hashed, json.dumps(previous), now_iso(), username])
        audit.append(db, actor, "user.password_reset" if actor != username else "user.password_change",
                     detail={"username": username})


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        names = "、".join(t(*ROLE_LABELS[r]) for r in roles)
        raise PermissionDenied(t("没有权限", "Not allowed"),
                               t(f"此操作需要以下角色之一：{names}。", f"This needs one of these roles: {names}."))


def set_active(db: sqlite_utils.Database, username: str, active: bool, actor: str) -> None:
    """Disable or enable an account; never one's own, never the last active admin."""
    require_role(acting_user(db, actor), "admin")
    target = get_user(db, username)
    if username == actor and not active:
        raise PermissionDenied(t("不能停用自己的账号", "You cannot disable your own account"),
                               t("请让另一位管理员操作。", "Ask another administrator."))
    with write(db):
        if not active and target.is_admin():
            admins = db.execute("SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = 1"
                                " AND username != ?", [username]).fetchone()[0]
            if not admins:
                raise ValidationFailed(t("至少要保留一个管理员", "One administrator must remain"),
                                       t("请先添加另一位管理员。", "Add another administrator first."))
        db.execute("UPDATE users SET active = ? WHERE username = ?", [int(active), username])
        audit.append(db, actor, "user.enable" if active else "user.disable",
                     detail={"username": username})
