#!/usr/bin/env bash
# Stand-in for Kafka's bin/kafka-configs.sh.
exec "$(dirname "$0")/kafka-run-class.sh" kafka.admin.ConfigCommand "$@"
