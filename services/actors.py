"""Who is acting, as the policy needs it: role in force and organisation."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.roles import OrgKind, Role
from casework.scope import Actor
from storage.models import User
from storage.models_district import Organisation


def actor_of(s: Session, user_id: int, role: Role) -> Actor:
    """`role` is the role in force (the channel has applied ADMIN_IDS and revocation already)."""
    row = s.execute(
        select(Organisation.id, Organisation.kind)
        .join(User, User.organisation_id == Organisation.id)
        .where(User.id == user_id, Organisation.active.is_(True))
    ).first()
    if row is None:
        return Actor(user_id, Role(role))
    return Actor(user_id, Role(role), int(row[0]), OrgKind(row[1]))


def user_of(s: Session, actor: Actor) -> User:
    user = s.get(User, actor.user_id)
    assert user is not None  # an actor is built from an existing user
    return user
