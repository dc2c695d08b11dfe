/**
 * Publishing Jobwire tasks from Java.
 *
 * <p>Start with {@link dev.jobwire.producer.TaskPublisher#create(PublisherConfig)}:
 * <pre>{@code
 * PublisherConfig config = PublisherConfig.builder("kafka-1:9092").build();
 * try (TaskPublisher publisher = TaskPublisher.create(config)) {
 *     PublishReceipt receipt = publisher.publish(TaskRequest.builder("email.send")
 *             .payload("{\"to\":\"a@example.com\"}")
 *             .key("customer-42")
 *             .build()).join();
 * }
 * }</pre>
 *
 * <p>Glossary: a <em>task request</em> is what the caller wants published; a <em>receipt</em> is the
 * broker's acknowledgement of one task (its id, where it landed, and for a <em>delayed task</em>
 * when it will run); a delayed task waits in the <em>delay topic</em> of its task topic, in the
 * partition of its <em>tier</em> (see {@link dev.jobwire.wire.DelayTiers}); the <em>delivery timeout</em>
 * bounds how long any publish can take before its future fails. What goes on the wire is defined
 * in {@code docs/wire-format.md}. Classes in {@code dev.jobwire.producer.internal} are not API.
 */
package dev.jobwire.producer;
