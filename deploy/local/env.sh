# shellcheck shell=bash
# Common environment for the local infrastructure scripts.
# Source it:  . deploy/local/env.sh   (every value can be overridden from the environment)

# The checkout is always the one this file lives in; paths inherited from a shell that
# sourced another checkout's env.sh are dropped so two clones never share var/.
_portal_here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [[ -n ${PORTAL_ROOT:-} && $PORTAL_ROOT != "$_portal_here" ]]; then
    unset PORTAL_VAR PORTAL_MAIL_DIR PORTAL_VENV PORTAL_AMQP_URI PORTAL_RABBIT_MGMT_URL \
        PORTAL_PG_DSN_BASE PORTAL_OPENSEARCH_URL PORTAL_S3_ENDPOINT PORTAL_CLAMD_CONF \
        PORTAL_SCAN_COMMAND PORTAL_BACKUP_DIR PORTAL_PKI_DIR SOFTHSM2_CONF
fi
PORTAL_ROOT=$_portal_here
unset _portal_here
PORTAL_VAR=${PORTAL_VAR:-$PORTAL_ROOT/var}
PORTAL_CACHE=${PORTAL_CACHE:-$HOME/.cache/portal}
if [[ -z ${PORTAL_VENV:-} ]]; then
    PORTAL_VENV=$PORTAL_CACHE/venv-$(sha256sum "$PORTAL_ROOT/requirements.txt" | cut -c1-12)
fi
PORTAL_UNO_VENV=${PORTAL_UNO_VENV:-$PORTAL_CACHE/uno-venv}

# Ports (127.0.0.1 only; deliberately non-default)
PORTAL_PG_PORT=${PORTAL_PG_PORT:-5433}
PORTAL_AMQP_PORT=${PORTAL_AMQP_PORT:-5673}
PORTAL_RABBIT_MGMT_PORT=${PORTAL_RABBIT_MGMT_PORT:-15673}
PORTAL_RABBIT_DIST_PORT=${PORTAL_RABBIT_DIST_PORT:-25673}
PORTAL_OPENSEARCH_PORT=${PORTAL_OPENSEARCH_PORT:-9201}
PORTAL_OPENSEARCH_TRANSPORT_PORT=${PORTAL_OPENSEARCH_TRANSPORT_PORT:-9300}
# Erlang node name: change it (with the ports) to run a second instance beside this one.
PORTAL_RABBIT_NODE=${PORTAL_RABBIT_NODE:-portal@localhost}
PORTAL_MINIO_PORT=${PORTAL_MINIO_PORT:-9100}
PORTAL_MINIO_CONSOLE_PORT=${PORTAL_MINIO_CONSOLE_PORT:-9101}
PORTAL_SMTP_PORT=${PORTAL_SMTP_PORT:-2525}
PORTAL_UNO_PORT=${PORTAL_UNO_PORT:-2003}
PORTAL_UNO_OFFICE_PORT=${PORTAL_UNO_OFFICE_PORT:-2002}
PORTAL_CLAMD_PORT=${PORTAL_CLAMD_PORT:-3311}
PORTAL_PORT=${PORTAL_PORT:-8000}
# the local payment provider (deploy/local/payment_simulator.py; tests: 8790-8799)
PORTAL_PAYMENT_PORT=${PORTAL_PAYMENT_PORT:-8790}
# the demo API client's webhook receiver (deploy/local/webhook_receiver.py), on this
# machine: the webhooks service may call 127.0.0.1 here (never in production)
PORTAL_WEBHOOK_DEMO_PORT=${PORTAL_WEBHOOK_DEMO_PORT:-8780}
PORTAL_WEBHOOK_ALLOWED_HOSTS=${PORTAL_WEBHOOK_ALLOWED_HOSTS-127.0.0.1}

# PORTAL_CLUSTER=1 (or `infra start --cluster`): RabbitMQ, OpenSearch and MinIO run as
# clusters on their own ports and data dirs, beside the single-node components. Node n
# of a cluster listens on the base port + n - 1.
PORTAL_CLUSTER=${PORTAL_CLUSTER:-}
PORTAL_RABBIT_QUEUE_TYPE=${PORTAL_RABBIT_QUEUE_TYPE:-}
PORTAL_CLUSTER_RABBIT_NODES=${PORTAL_CLUSTER_RABBIT_NODES:-3}
PORTAL_CLUSTER_AMQP_PORT=${PORTAL_CLUSTER_AMQP_PORT:-5681}
PORTAL_CLUSTER_RABBIT_MGMT_PORT=${PORTAL_CLUSTER_RABBIT_MGMT_PORT:-15681}
PORTAL_CLUSTER_RABBIT_DIST_PORT=${PORTAL_CLUSTER_RABBIT_DIST_PORT:-25681}
PORTAL_CLUSTER_OPENSEARCH_NODES=${PORTAL_CLUSTER_OPENSEARCH_NODES:-2}
PORTAL_CLUSTER_OPENSEARCH_PORT=${PORTAL_CLUSTER_OPENSEARCH_PORT:-9211}
PORTAL_CLUSTER_OPENSEARCH_TRANSPORT_PORT=${PORTAL_CLUSTER_OPENSEARCH_TRANSPORT_PORT:-9311}
PORTAL_CLUSTER_MINIO_DRIVES=${PORTAL_CLUSTER_MINIO_DRIVES:-4}
PORTAL_CLUSTER_MINIO_PORT=${PORTAL_CLUSTER_MINIO_PORT:-9111}
PORTAL_CLUSTER_MINIO_CONSOLE_PORT=${PORTAL_CLUSTER_MINIO_CONSOLE_PORT:-9112}

# Dev-only credentials
PORTAL_S3_ACCESS_KEY=${PORTAL_S3_ACCESS_KEY:-portal-dev}
PORTAL_S3_SECRET_KEY=${PORTAL_S3_SECRET_KEY:-portal-dev-secret}
# Result signing (services/files/pki.py): the SoftHSM2 token and the local CA under
# var/pki; production points PORTAL_PKCS11_MODULE/PORTAL_HSM_TOKEN at its HSM and sets
# its own PIN (the dev PINs below exist only for this local token).
PORTAL_PKI_DIR=${PORTAL_PKI_DIR:-$PORTAL_VAR/pki}
SOFTHSM2_CONF=${SOFTHSM2_CONF:-$PORTAL_PKI_DIR/softhsm2.conf}
PORTAL_HSM_PIN=${PORTAL_HSM_PIN:-portal-dev-pin}
PORTAL_HSM_SO_PIN=${PORTAL_HSM_SO_PIN:-portal-dev-so-pin}
# an agency without a key gets one from the local CA on its first signature (dev only)
PORTAL_SIGNING_ENROL=${PORTAL_SIGNING_ENROL:-1}
# the merchant's code and signing secret at the payment provider (the simulator's here)
PORTAL_PAYMENT_MERCHANT=${PORTAL_PAYMENT_MERCHANT:-PORTALDEV}
PORTAL_PAYMENT_SECRET=${PORTAL_PAYMENT_SECRET:-portal-dev-payment-secret}
PORTAL_PAYMENT_URL=${PORTAL_PAYMENT_URL:-http://127.0.0.1:$PORTAL_PAYMENT_PORT/paymentv2/vpcpay.html}
PORTAL_PAYMENT_API_URL=${PORTAL_PAYMENT_API_URL:-http://127.0.0.1:$PORTAL_PAYMENT_PORT/merchant_webapi/api/transaction}
# signs session tokens (accounts) and checks them (every gateway): production sets its own
PORTAL_SESSION_KEY=${PORTAL_SESSION_KEY:-portal-dev-session-key-change-me-in-production}
# Fernet key(s) the webhook signing secrets are stored encrypted with (first encrypts,
# all decrypt: services/webhooks/vault.py); this one is for development only
PORTAL_WEBHOOK_SECRET_KEYS=${PORTAL_WEBHOOK_SECRET_KEYS:-cG9ydGFsLWRldi13ZWJob29rLWtleS0zMmJ5dGVzISE=}

# URIs for the services. In cluster mode every client gets all RabbitMQ nodes (kombu
# fails over along a ';'-separated list) and both OpenSearch nodes (',' separated).
if [[ -n $PORTAL_CLUSTER ]]; then
    _uris= _hosts=
    for ((_n = 0; _n < PORTAL_CLUSTER_RABBIT_NODES; _n++)); do
        _uris+="${_uris:+;}amqp://portal:portal@127.0.0.1:$((PORTAL_CLUSTER_AMQP_PORT + _n))/"
    done
    for ((_n = 0; _n < PORTAL_CLUSTER_OPENSEARCH_NODES; _n++)); do
        _hosts+="${_hosts:+,}http://127.0.0.1:$((PORTAL_CLUSTER_OPENSEARCH_PORT + _n))"
    done
    PORTAL_AMQP_URI=${PORTAL_AMQP_URI:-$_uris}
    PORTAL_RABBIT_MGMT_URL=${PORTAL_RABBIT_MGMT_URL:-http://portal:portal@127.0.0.1:$PORTAL_CLUSTER_RABBIT_MGMT_PORT}
    PORTAL_OPENSEARCH_URL=${PORTAL_OPENSEARCH_URL:-$_hosts}
    PORTAL_S3_ENDPOINT=${PORTAL_S3_ENDPOINT:-127.0.0.1:$PORTAL_CLUSTER_MINIO_PORT}
    # the type the portal's vhosts give every durable queue nameko declares
    PORTAL_RABBIT_QUEUE_TYPE=${PORTAL_RABBIT_QUEUE_TYPE:-quorum}
    unset _uris _hosts _n
fi
PORTAL_AMQP_URI=${PORTAL_AMQP_URI:-amqp://portal:portal@127.0.0.1:$PORTAL_AMQP_PORT/}
PORTAL_RABBIT_MGMT_URL=${PORTAL_RABBIT_MGMT_URL:-http://portal:portal@127.0.0.1:$PORTAL_RABBIT_MGMT_PORT}
PORTAL_PG_DSN_BASE=${PORTAL_PG_DSN_BASE:-postgresql://portal:portal@127.0.0.1:$PORTAL_PG_PORT}
PORTAL_OPENSEARCH_URL=${PORTAL_OPENSEARCH_URL:-http://127.0.0.1:$PORTAL_OPENSEARCH_PORT}
PORTAL_S3_ENDPOINT=${PORTAL_S3_ENDPOINT:-127.0.0.1:$PORTAL_MINIO_PORT}
PORTAL_SMTP_HOST=${PORTAL_SMTP_HOST:-127.0.0.1}
PORTAL_MAIL_DIR=${PORTAL_MAIL_DIR:-$PORTAL_ROOT/var/mail}
# deploy/local/backup writes dated backup directories here
PORTAL_BACKUP_DIR=${PORTAL_BACKUP_DIR:-$PORTAL_VAR/backups}
# clamd's config (written by `infra start clamav`) tells clamdscan where clamd listens;
# the files service runs this command on every upload (deploy/local/apps, tests).
PORTAL_CLAMD_CONF=${PORTAL_CLAMD_CONF:-$PORTAL_VAR/data/clamav/clamd.conf}
PORTAL_SCAN_COMMAND=${PORTAL_SCAN_COMMAND-clamdscan --no-summary --config-file=$PORTAL_CLAMD_CONF -}
# Debian's chromium, for playwright (launch(executable_path=...)); playwright's own
# browser download is not reachable from here.
PORTAL_CHROMIUM=${PORTAL_CHROMIUM:-/usr/bin/chromium}

export PORTAL_ROOT PORTAL_VAR PORTAL_CACHE PORTAL_VENV PORTAL_UNO_VENV \
    PORTAL_PG_PORT PORTAL_AMQP_PORT PORTAL_RABBIT_MGMT_PORT PORTAL_RABBIT_DIST_PORT \
    PORTAL_OPENSEARCH_PORT PORTAL_OPENSEARCH_TRANSPORT_PORT PORTAL_RABBIT_NODE PORTAL_MINIO_PORT PORTAL_MINIO_CONSOLE_PORT PORTAL_SMTP_PORT \
    PORTAL_UNO_PORT PORTAL_UNO_OFFICE_PORT PORTAL_CLAMD_PORT PORTAL_PORT \
    PORTAL_S3_ACCESS_KEY PORTAL_S3_SECRET_KEY PORTAL_SESSION_KEY PORTAL_WEBHOOK_SECRET_KEYS PORTAL_WEBHOOK_DEMO_PORT PORTAL_WEBHOOK_ALLOWED_HOSTS PORTAL_PKI_DIR SOFTHSM2_CONF PORTAL_HSM_PIN PORTAL_HSM_SO_PIN PORTAL_SIGNING_ENROL PORTAL_AMQP_URI PORTAL_RABBIT_MGMT_URL \
    PORTAL_PAYMENT_PORT PORTAL_PAYMENT_MERCHANT PORTAL_PAYMENT_SECRET PORTAL_PAYMENT_URL PORTAL_PAYMENT_API_URL \
    PORTAL_PG_DSN_BASE PORTAL_OPENSEARCH_URL PORTAL_S3_ENDPOINT PORTAL_SMTP_HOST PORTAL_MAIL_DIR PORTAL_CHROMIUM \
    PORTAL_CLAMD_CONF PORTAL_SCAN_COMMAND PORTAL_BACKUP_DIR PORTAL_CLUSTER PORTAL_RABBIT_QUEUE_TYPE PORTAL_CLUSTER_RABBIT_NODES \
    PORTAL_CLUSTER_AMQP_PORT PORTAL_CLUSTER_RABBIT_MGMT_PORT PORTAL_CLUSTER_RABBIT_DIST_PORT \
    PORTAL_CLUSTER_OPENSEARCH_NODES PORTAL_CLUSTER_OPENSEARCH_PORT \
    PORTAL_CLUSTER_OPENSEARCH_TRANSPORT_PORT PORTAL_CLUSTER_MINIO_DRIVES \
    PORTAL_CLUSTER_MINIO_PORT PORTAL_CLUSTER_MINIO_CONSOLE_PORT
