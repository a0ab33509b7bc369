"""What the API answers: one marshmallow schema per resource the gateway sends.

One module per area (accounts, catalogue, dossiers, files, notify, search, health);
the services' RPCs return these shapes and the gateway mostly passes them through,
so the same classes describe RPC results and HTTP success bodies. The OpenAPI
document (`gateway/apidoc.py`) is generated from them.

Answers are open: a client must ignore fields it does not know, so a service may
add fields without a new API version (the conformance test still insists that every
field sent is documented). `EXAMPLES` are realistic bodies shown in the document
and checked against their schemas by tests/contracts/test_openapi.py.
"""

from .accounts import EXAMPLES as _accounts
from .catalogue import EXAMPLES as _catalogue
from .common import EXAMPLES as _common
from .dossiers import EXAMPLES as _dossiers
from .files import EXAMPLES as _files

EXAMPLES = {**_common, **_accounts, **_catalogue, **_dossiers, **_files}
