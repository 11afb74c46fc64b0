#!/usr/bin/env bash
# Starts a single-node KRaft Kafka broker (combined broker + controller) on 127.0.0.1.
# Usage: start-kafka.sh <data-dir> [port] [controller-port]. Idempotent per data dir: formats the
# storage once, writes the pid to <data-dir>/kafka.pid, and returns when the port accepts connections.
source "$(dirname "$0")/lib.sh"
data=${1:?data dir}; port=${2:-9092}; cport=${3:-9093}
lib=$("$(dirname "$0")/install-kafka.sh")
mkdir -p "$data"
cat > "$data/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$data/logs
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=${KAFKA_AUTO_CREATE_TOPICS:-false}
PROPS
cp=("-cp" "$lib/*")
jopts=(-Xms256m -Xmx768m -XX:+UseG1GC "-Dlog4j2.configurationFile=$(cd "$(dirname "$0")" && pwd)/kafka/log4j2.yaml")
if [ ! -f "$data/logs/meta.properties" ]; then
  java "${jopts[@]}" "${cp[@]}" kafka.tools.StorageTool format --standalone -t "$(cat /proc/sys/kernel/random/uuid | tr -d - | head -c 22)" -c "$data/server.properties" >"$data/format.log" 2>&1 \
    || { cat "$data/format.log" >&2; exit 1; }
fi
if [ -f "$data/kafka.pid" ] && kill -0 "$(cat "$data/kafka.pid")" 2>/dev/null; then log "kafka already running"; exit 0; fi
# KAFKA_TIED_TO=<pid>: stop the broker when that process goes away (test runners set it).
if [ -n "${KAFKA_TIED_TO:-}" ]; then
  nohup "$(dirname "$0")/tied.sh" "$KAFKA_TIED_TO" java "${jopts[@]}" "${cp[@]}" kafka.Kafka "$data/server.properties" >"$data/kafka.log" 2>&1 &
  sleep 0.5
  pgrep -f -n "kafka.Kafka $data/server.properties" >"$data/kafka.pid"
else
  nohup java "${jopts[@]}" "${cp[@]}" kafka.Kafka "$data/server.properties" >"$data/kafka.log" 2>&1 &
  echo $! >"$data/kafka.pid"
fi
for _ in $(seq 1 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then log "kafka up on 127.0.0.1:$port"; exit 0; fi
  kill -0 "$(cat "$data/kafka.pid")" 2>/dev/null || { tail -40 "$data/kafka.log" >&2; exit 1; }
  sleep 0.5
done
log "kafka did not open port $port"; tail -40 "$data/kafka.log" >&2; exit 1
