#!/usr/bin/env bash
# Stand-in for Kafka's bin/kafka-server-start.sh: kafka.Kafka with a 1 GiB heap unless
# KAFKA_HEAP_OPTS says otherwise, logging per config/log4j2.yaml unless KAFKA_LOG4J_OPTS says otherwise.
set -eu
[ $# -ge 1 ] || { echo "USAGE: $0 [-daemon] server.properties [--override property=value]*" >&2; exit 1; }
base_dir="$(cd "$(dirname "$0")/.." && pwd)"
export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1G -Xms1G}"
export KAFKA_LOG4J_OPTS="${KAFKA_LOG4J_OPTS:--Dlog4j2.configurationFile=$base_dir/config/log4j2.yaml}"
[ "$1" = "-daemon" ] && shift
exec "$base_dir/bin/kafka-run-class.sh" -name kafkaServer kafka.Kafka "$@"
