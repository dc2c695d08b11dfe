#!/usr/bin/env bash
# Stand-in for Kafka's bin/kafka-features.sh.
exec "$(dirname "$0")/kafka-run-class.sh" org.apache.kafka.tools.FeatureCommand "$@"
