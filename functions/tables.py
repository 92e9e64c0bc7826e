"""Every table of the deployment, by the model that defines it: the CDK app, the local
stack, the data-model document's check and the tests build from this list. Each model
lives with the domain that owns its table (``docs/data-model.md`` says which)."""

from __future__ import annotations

from pynamodb.models import Model

from functions.account import models as account
from functions.claim import models as claim
from functions.common import models as common
from functions.common import tables
from functions.connections import models as connections
from functions.core import models as core
from functions.core.ownership import models as ownership
from functions.core.platforms import models as platforms
from functions.payments import models as payments
from functions.track import models as track

TABLE_MODELS: tuple[type[Model], ...] = (
    core.User,
    core.Username,
    core.Avatar,
    common.DeletedUser,
    core.Flattr,
    track.ActivityItem,
    core.MonthSplit,
    core.MonthStat,
    core.Pledge,
    payments.PayIn,
    payments.Refund,
    payments.PayoutAccount,
    payments.Withdrawal,
    payments.MonthlyTopUp,
    payments.Mismatch,
    core.SentMail,
    common.IdempotencyRecord,
    core.DeviceToken,
    core.AppGrant,
    account.App,
    account.AppCode,
    core.Recipient,
    core.LedgerItem,
    core.Escrow,
    core.Connection,
    connections.ConnectedIdentity,
    connections.OAuthState,
    platforms.OAuthClient,
    platforms.AppBudget,
    common.RateLimit,
    claim.ClaimToken,
    claim.EmailState,
    claim.Suppression,
    claim.DomainClaim,
    claim.VerifiedDomain,
    claim.ProvenEmail,
    ownership.HandleAlias,
    claim.DonorNotice,
    claim.CatalogueEntry,
    ownership.LookupItem,
)


def owner(model: type[Model]) -> str:
    """The package that owns ``model``'s table (``track``, ``core``, ``core.ownership``...)."""
    return model.__module__.removeprefix("functions.").removesuffix(".models")


if set(TABLE_MODELS) != set(tables.roots()):  # a model added without listing it here
    raise RuntimeError("functions/tables.py does not list every registered table")
