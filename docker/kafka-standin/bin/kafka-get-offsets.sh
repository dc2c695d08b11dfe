#!/usr/bin/env bash
# Stand-in for Kafka's bin/kafka-get-offsets.sh.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.GetOffsetShell "$@"
