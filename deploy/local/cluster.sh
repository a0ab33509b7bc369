# shellcheck shell=bash
# Cluster nodes for `infra --cluster` (sourced by deploy/local/infra): RabbitMQ nodes
# rabbitmq-c1..3, OpenSearch nodes opensearch-c1..2 and MinIO over four drives
# (minio-ec). Each node is a component of its own (pid file, log, data dir), so a
# single node can be stopped, killed or started again by name.

# The components a cluster-mode name stands for.
cluster_nodes() {
    local n
    case $1 in
        rabbitmq) for ((n = 1; n <= PORTAL_CLUSTER_RABBIT_NODES; n++)); do echo "rabbitmq-c$n"; done ;;
        opensearch) for ((n = 1; n <= PORTAL_CLUSTER_OPENSEARCH_NODES; n++)); do echo "opensearch-c$n"; done ;;
        minio) echo minio-ec ;;
        *) echo "$1" ;;
    esac
}

node_number() { echo "${1##*-c}"; }
rabbit_node_name() { echo "portal-c$1@localhost"; }

cluster_ports_of() {
    local n
    n=$(node_number "$1")
    case $1 in
        rabbitmq-c*) echo "$((PORTAL_CLUSTER_AMQP_PORT + n - 1)) $((PORTAL_CLUSTER_RABBIT_MGMT_PORT + n - 1)) $((PORTAL_CLUSTER_RABBIT_DIST_PORT + n - 1))" ;;
        opensearch-c*) echo "$((PORTAL_CLUSTER_OPENSEARCH_PORT + n - 1)) $((PORTAL_CLUSTER_OPENSEARCH_TRANSPORT_PORT + n - 1))" ;;
        minio-ec) echo "$PORTAL_CLUSTER_MINIO_PORT $PORTAL_CLUSTER_MINIO_CONSOLE_PORT" ;;
        *) return 1 ;;
    esac
}

# All nodes share one HOME, hence one Erlang cookie.
cluster_rabbitmqctl() {
    local node=$1; shift
    HOME=$DATA/rabbitmq-cluster RABBITMQ_NODENAME=$node "$RABBIT_BIN/rabbitmqctl" -n "$node" "$@"
}

cluster_ready() {
    local c=$1 n port
    n=$(node_number "$c")
    case $c in
        rabbitmq-c*) cluster_rabbitmqctl "$(rabbit_node_name "$n")" -q await_startup --timeout 3 >/dev/null 2>&1 ;;
        opensearch-c*)
            port=$((PORTAL_CLUSTER_OPENSEARCH_PORT + n - 1))
            # answered by the node itself only once it has joined a cluster manager
            curl -fsS --max-time 3 "http://127.0.0.1:$port/_cluster/health" 2>/dev/null |
                grep -Eq '"status":"(green|yellow)"' ;;
        minio-ec) http_ok "http://127.0.0.1:$PORTAL_CLUSTER_MINIO_PORT/minio/health/cluster" ;;
    esac
}

# RabbitMQ node n; peer discovery from the node list. Nodes start in order and each
# waits to be ready, so node 1 forms the cluster and the others join it.
launch_rabbitmq_node() {
    local c=$1 n home=$DATA/rabbitmq-cluster dir node peers="" i
    n=$(node_number "$c")
    dir=$DATA/$c
    node=$(rabbit_node_name "$n")
    mkdir -p "$home" "$dir/mnesia" "$LOG/$c"
    if [[ ! -f $home/.erlang.cookie ]]; then
        (umask 077 && head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$home/.erlang.cookie")
    fi
    chmod 400 "$home/.erlang.cookie"
    echo '[rabbitmq_management].' >"$dir/enabled_plugins"
    for ((i = 1; i <= PORTAL_CLUSTER_RABBIT_NODES; i++)); do
        peers+="cluster_formation.classic_config.nodes.$i = $(rabbit_node_name "$i")"$'\n'
    done
    cat >"$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$((PORTAL_CLUSTER_AMQP_PORT + n - 1))
management.tcp.ip = 127.0.0.1
management.tcp.port = $((PORTAL_CLUSTER_RABBIT_MGMT_PORT + n - 1))
cluster_formation.peer_discovery_backend = classic_config
$peers
# a minority partition pauses instead of accepting writes it would lose on healing
cluster_partition_handling = pause_minority
EOF
    # +sbwt none: idle schedulers do not spin (three nodes share two cores)
    launch "$c" env HOME="$home" \
        RABBITMQ_NODENAME="$node" \
        RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 \
        RABBITMQ_NODE_PORT=$((PORTAL_CLUSTER_AMQP_PORT + n - 1)) \
        RABBITMQ_DIST_PORT=$((PORTAL_CLUSTER_RABBIT_DIST_PORT + n - 1)) \
        RABBITMQ_MNESIA_BASE="$dir/mnesia" \
        RABBITMQ_LOG_BASE="$LOG/$c" \
        RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
        RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" \
        RABBITMQ_PID_FILE="$RUN/$c.beam.pid" \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} +sbwt none +sbwtdcpu none +sbwtdio none" \
        ERL_EPMD_ADDRESS=127.0.0.1 \
        "$RABBIT_BIN/rabbitmq-server"
}

# Users and vhosts are cluster-wide: set once, through node 1. The portal's vhosts
# give every durable queue quorum type ($PORTAL_RABBIT_QUEUE_TYPE): RabbitMQ 3.10
# applies a vhost's default queue type to each durable, non-exclusive, non-auto-delete
# queue declared without x-queue-type, which is how nameko declares its RPC, reply and
# event queues, so no service code changes. A vhost's type is fixed at creation, so a
# "/" without it is created again.
setup_rabbitmq_cluster() {
    local node
    node=$(rabbit_node_name 1)
    if ! cluster_rabbitmqctl "$node" -q list_users | grep -q '^portal\b'; then
        cluster_rabbitmqctl "$node" -q add_user portal portal
    fi
    cluster_rabbitmqctl "$node" -q set_user_tags portal administrator
    if ! cluster_rabbitmqctl "$node" -q list_vhosts name default_queue_type | grep -q "^/[[:space:]]$PORTAL_RABBIT_QUEUE_TYPE"; then
        cluster_rabbitmqctl "$node" -q delete_vhost / >/dev/null 2>&1 || true
        cluster_rabbitmqctl "$node" -q add_vhost / --default-queue-type "$PORTAL_RABBIT_QUEUE_TYPE"
    fi
    cluster_rabbitmqctl "$node" -q set_permissions -p / portal '.*' '.*' '.*'
    if cluster_rabbitmqctl "$node" -q list_users | grep -q '^guest\b'; then
        cluster_rabbitmqctl "$node" -q delete_user guest
    fi
}

# OpenSearch node n: its own JVM (so one can be stopped alone), 512 MB heap; node 1
# bootstraps the cluster, the others join it through the seed hosts. The runner names
# every node "Node 1" (one node per JVM), so node 1 is named by its transport address.
launch_opensearch_node() {
    local c=$1 n base lib=$PORTAL_CACHE/opensearch/lib seeds="" i http
    [[ -d $lib ]] || die "opensearch: $lib missing, run deploy/local/install"
    n=$(node_number "$c")
    base=$DATA/$c
    http=$((PORTAL_CLUSTER_OPENSEARCH_PORT + n - 1))
    ((http > 9200 && http < 9300)) || die "$c: HTTP port must be within 9201..9299"
    for ((i = 0; i < PORTAL_CLUSTER_OPENSEARCH_NODES; i++)); do
        seeds+="${seeds:+, }\"127.0.0.1:$((PORTAL_CLUSTER_OPENSEARCH_TRANSPORT_PORT + i))\""
    done
    mkdir -p "$base/node_1/config" "$LOG/$c"
    cat >"$base/node_1/config/opensearch.yml" <<EOF
network.host: 127.0.0.1
transport.port: $((PORTAL_CLUSTER_OPENSEARCH_TRANSPORT_PORT + n - 1))
discovery.seed_hosts: [$seeds]
cluster.initial_cluster_manager_nodes: ["127.0.0.1:$PORTAL_CLUSTER_OPENSEARCH_TRANSPORT_PORT"]
cluster.routing.allocation.disk.threshold_enabled: false
EOF
    # C1 only, as infra's engine (its comment): three fresh JVMs compiling at once
    launch "$c" java -Xms512m -Xmx512m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true -cp "$lib/*" \
        org.codelibs.opensearch.runner.OpenSearchRunner \
        -basePath "$base" -logsPath "$LOG/$c" -numOfNode 1 -clusterName portal-cluster \
        -baseHttpPort $((http - 1)) -printOnFailure
}

# MinIO erasure-coded over four drive directories (default parity EC:2 for four
# drives: any two may be lost for reads). MINIO_CI_CD lets drives on the root disk be
# used, as they are on one machine.
launch_minio_ec() {
    local c=$1 bin=$PORTAL_CACHE/bin/minio dir=$DATA/minio-ec i
    [[ -x $bin ]] || die "minio: $bin missing, run deploy/local/install"
    for ((i = 1; i <= PORTAL_CLUSTER_MINIO_DRIVES; i++)); do mkdir -p "$dir/drive$i"; done
    launch "$c" env MINIO_ROOT_USER="$PORTAL_S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$PORTAL_S3_SECRET_KEY" \
        MINIO_UPDATE=off MINIO_CI_CD=1 "$bin" server "$dir/drive{1...$PORTAL_CLUSTER_MINIO_DRIVES}" --quiet \
        --address "127.0.0.1:$PORTAL_CLUSTER_MINIO_PORT" \
        --console-address "127.0.0.1:$PORTAL_CLUSTER_MINIO_CONSOLE_PORT"
}

cluster_launch() {
    case $1 in
        rabbitmq-c*) launch_rabbitmq_node "$1" ;;
        opensearch-c*) launch_opensearch_node "$1" ;;
        minio-ec) launch_minio_ec "$1" ;;
    esac
}
