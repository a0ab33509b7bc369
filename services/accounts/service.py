"""The accounts service's entrypoints: load the caller, call a handler, commit."""

from nameko.dependency_providers import Config
from nameko.timer import timer

from services.shared.caller import caller_from
from services.shared.database import Database
from services.shared.dependencies import RequestContext
from services.shared.entrypoint import contract_rpc
from services.shared.metrics import Metrics
from services.shared.outbox import OutboxRelay
from services.shared.permissions import require

from . import identity, sessions, staff, store, succession, tenancy
from .dependencies import AfterReply, OperatorBootstrap
from .models import Outbox

rpc = contract_rpc("accounts")


class AccountsService:
    """Identity: provinces, agencies, departments, users, roles, API clients."""

    name = "accounts"

    db = Database()
    outbox = OutboxRelay(Outbox)
    request = RequestContext()
    metrics = Metrics()
    config = Config()
    bootstrap = OperatorBootstrap()
    after_reply = AfterReply()

    @rpc
    def health(self):
        """Report this instance and its backing components."""
        checks = {"accounts": "ok", "postgres": self.db.ping()}
        return checks

    def _write(self, handler, *args):
        with self.db.transaction() as session:
            return handler(session, *args)

    def _read(self, handler, *args):
        with self.db.reader() as session:
            return handler(session, *args)

    def _attempt(self, handler, *args):
        """Run a handler returning (error, result); commit, then raise the error."""
        with self.db.transaction() as session:
            error, result = handler(session, self.config, *args)
        if error is not None:
            raise error
        return result

    # --- citizens and businesses -------------------------------------------------
    @rpc(sensitive_arguments=("data",))
    def register(self, caller, data, ip=None):
        caller_from(caller)
        return self._write(identity.register, self.config, data, ip)

    @rpc(sensitive_arguments=("token",))
    def activate(self, caller, token):
        caller_from(caller)
        return self._write(identity.activate, token)

    # Both answer before looking the e-mail up: the same answer in the same time
    # whether or not it has an account (the work runs after the reply).
    @rpc
    def resend_activation(self, caller, email):
        caller_from(caller)
        email = identity.checked_email(email)
        self.after_reply(self._write, identity.resend_activation, self.config, email)
        return {"status": "sent"}

    @rpc
    def request_password_reset(self, caller, email):
        caller_from(caller)
        email = identity.checked_email(email)
        handler = identity.request_password_reset
        self.after_reply(self._write, handler, self.config, email)
        return {"status": "sent"}

    @rpc(
        sensitive_arguments=(
            "token",
            "new_password",
        )
    )
    def reset_password(self, caller, token, new_password):
        caller_from(caller)
        return self._write(identity.reset_password, token, new_password)

    @rpc(sensitive_arguments=("changes",))
    def update_profile(self, caller, changes):
        return self._write(identity.update_profile, caller_from(caller), changes)

    @rpc
    def get_user(self, caller, user_id):
        return self._read(identity.get_user, caller_from(caller), user_id)

    # --- sessions --------------------------------------------------------------
    @rpc(sensitive_arguments=("password",))
    def login(self, caller, email, password, ip=None, kind="web"):
        caller_from(caller)
        return self._attempt(sessions.login, email, password, ip, kind)

    @timer(interval=3600)
    def prune_attempts(self):
        """Delete counted attempts too old to matter to any limit (hourly)."""
        self._write(store.prune_attempts, self.config)

    @rpc(sensitive_arguments=("token",))
    def authenticate(self, token):
        return self._read(sessions.authenticate, token)

    @rpc
    def changed_sessions(self):
        """Live sessions the gateways must send back here (revoked or changed)."""
        return self._read(sessions.changed_sessions)

    @rpc(sensitive_arguments=("token",))
    def logout(self, caller, token):
        caller_from(caller)
        return self._write(sessions.logout, token)

    @rpc(sensitive_arguments=("client_secret",))
    def oauth_token(
        self, caller, grant_type, client_id, client_secret, scope=None, ip=None
    ):
        caller_from(caller)
        return self._attempt(
            sessions.oauth_token, grant_type, client_id, client_secret, scope, ip
        )

    # --- tenancy ---------------------------------------------------------------
    @rpc
    def create_province(self, caller, data):
        return self._write(tenancy.create_province, caller_from(caller), data)

    @rpc
    def list_provinces(self, caller):
        caller_from(caller)
        return self._read(tenancy.list_provinces)

    @rpc
    def get_province(self, caller, code):
        caller_from(caller)
        return self._read(tenancy.get_province, code)

    @rpc
    def create_agency(self, caller, data):
        return self._write(tenancy.create_agency, caller_from(caller), data)

    @rpc
    def list_agencies(self, caller, province=None, include_closed=False):
        caller_from(caller)
        return self._read(tenancy.list_agencies, province, include_closed)

    @rpc
    def get_agency(self, caller, code):
        caller_from(caller)
        return self._read(tenancy.get_agency, code)

    @rpc
    def succeed_agencies(self, caller, data):
        return self._write(succession.succeed_agencies, caller_from(caller), data)

    @rpc
    def list_successions(self, caller):
        return self._read(succession.list_successions, caller_from(caller))

    @rpc
    def get_succession(self, caller, succession_id):
        return self._read(succession.get_succession, caller_from(caller), succession_id)

    @rpc
    def apply_successions(self, caller):
        """Apply the successions whose date has come now (operators; hourly too)."""
        require(caller_from(caller), "province.manage")
        return self._write(succession.apply_due)

    @timer(interval=3600)
    def apply_due_successions(self):
        """Move staff and announce the successions whose date has come (hourly)."""
        self._write(succession.apply_due)

    @rpc
    def create_department(self, caller, data):
        return self._write(tenancy.create_department, caller_from(caller), data)

    @rpc
    def list_departments(self, caller, agency=None):
        caller_from(caller)
        return self._read(tenancy.list_departments, agency)

    # --- staff, API clients, audit ---------------------------------------------
    @rpc(sensitive_arguments=("data",))
    def create_staff(self, caller, data):
        return self._write(staff.create_staff, caller_from(caller), data)

    @rpc
    def list_staff(self, caller, agency=None, department=None, role=None):
        return self._read(
            staff.list_staff, caller_from(caller), agency, department, role
        )

    @rpc
    def deactivate_user(self, caller, user_id):
        return self._write(staff.deactivate_user, caller_from(caller), user_id)

    @rpc
    def create_api_client(self, caller, data):
        return self._write(staff.create_api_client, caller_from(caller), data)

    @rpc
    def list_api_clients(self, caller):
        return self._read(staff.list_api_clients, caller_from(caller))

    @rpc
    def list_audit(self, caller, page=1, page_size=50):
        return self._read(staff.list_audit, caller_from(caller), page, page_size)
