"""The server-rendered web portal: public, citizen and agency pages.

`routes(rpc)` is called once by `create_app` (through `AREAS`): it builds the Jinja2
environment and every page resource. Pages call services by RPC exactly like the
JSON resources; the rules stay in the services.
"""

import os

from services.shared.routes import PAGES

from ..names import names_for
from . import (
    account,
    admin_audit,
    admin_catalogue,
    admin_mail,
    admin_people,
    admin_successions,
    admin_webhooks,
    agency,
    citizen,
    claims,
    inbox,
    lists,
    payments,
    printing,
    public,
    results,
    stats,
    work,
)
from .base import Web
from .render import Renderer

DEFAULT_PROVINCE = "01"


def routes(rpc):
    province = os.environ.get("PORTAL_WEB_PROVINCE") or DEFAULT_PROVINCE
    web = Web(rpc, Renderer(names=names_for(rpc)), province)
    home = public.Home(web)
    return [
        ("/", home),
        ("/thu-tuc", home),
        (PAGES["procedure"], public.ProcedurePage(web)),
        (PAGES["lookup"], public.Lookup(web)),
        ("/static/{name}", public.Static()),
        ("/dang-ky", account.Register(web)),
        (PAGES["activate"], account.Activate(web)),
        ("/dang-nhap", account.Login(web)),
        ("/dang-xuat", account.Logout(web)),
        (PAGES["forgot_password"], account.Forgot(web)),
        (PAGES["reset_password"], account.Reset(web)),
        *citizen.routes(web),
        *claims.routes(web),
        *agency.routes(web),
        *lists.routes(web),
        *work.routes(web),
        *stats.routes(web),
        *inbox.routes(web),
        *printing.routes(web),
        *results.routes(web),
        *payments.routes(web),
        *admin_catalogue.routes(web),
        *admin_people.routes(web),
        *admin_successions.routes(web),
        *admin_webhooks.routes(web),
        *admin_mail.routes(web),
        *admin_audit.routes(web),
    ]
