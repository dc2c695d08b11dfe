package dev.jobwire.viewer;

import static dev.jobwire.viewer.ViewerTestSupport.TOKEN;
import static dev.jobwire.viewer.ViewerTestSupport.plant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.viewer.ViewerTestSupport.Planted;
import dev.jobwire.wire.AttemptFailure;
import dev.jobwire.wire.DeadLetter;
import dev.jobwire.wire.DeadLetterReason;
import dev.jobwire.wire.TaskMetadata;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}) at
 * 1,400 x 1,000 px. Skipped, with the reason, where {@code /usr/bin/chromedriver} is missing.
 * Selenium Manager is never asked for anything: the driver and the browser are given by path.
 * Screenshots go to {@code target/screenshots/} (docs/images/ holds the ones the docs show).
 */
@ExtendWith(RealKafkaExtension.class)
class ViewerBrowserIT {
    private static final String DRIVER = "/usr/bin/chromedriver";
    private static final String BROWSER = "/usr/bin/chromium";
    private static final String SCRIPT = "<script>window.__xss=1</script>";
    private static final String IMG = "<img src=x onerror=\"window.__xss=1\">";
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private ViewerServer server;
    private WebDriver driver;
    private Path profile;
    private String taskTopic;
    private String dltTopic;

    @BeforeAll
    static void needsChromium() {
        Assumptions.assumeTrue(new File(DRIVER).canExecute() && new File(BROWSER).canExecute(),
                "browser tests need Debian's chromium and chromium-driver (" + BROWSER + ", " + DRIVER
                        + "): apt-get install -y chromium chromium-driver");
    }

    @BeforeEach
    void startBrowser(TestKafka kafka) throws Exception {
        System.setProperty("webdriver.chrome.driver", DRIVER);
        taskTopic = "tasks-" + UUID.randomUUID().toString().substring(0, 8);
        dltTopic = taskTopic + ".dlt";
        kafka.createTopic(taskTopic, 3, Map.of());
        kafka.createTopic(dltTopic, 1, Map.of());
        profile = Files.createTempDirectory("jobwire-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1400,1000", "--hide-scrollbars", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() throws Exception {
        if (driver != null) {
            driver.quit();
        }
        if (server != null) {
            server.close();
        }
        if (profile != null) {
            try (var paths = Files.walk(profile)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // the page re-renders live
        return wait;
    }

    private String base() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) driver;
    }

    private void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private void signIn() {
        driver.findElement(By.id("signin-btn")).click();
        driver.findElement(By.id("login-user")).sendKeys("ann");
        driver.findElement(By.id("login-token")).sendKeys(TOKEN);
        driver.findElement(By.id("login-submit")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("signed-in"), "ann"));
    }

    private WebElement card(String exceptionClass) {
        return driver.findElements(By.cssSelector(".group")).stream()
                .filter(c -> c.findElement(By.cssSelector(".group-title")).getText().equals(exceptionClass))
                .findFirst().orElse(null);
    }

    private String states(String exceptionClass) {
        WebElement c = card(exceptionClass);
        return c == null ? "(no card)" : c.findElement(By.cssSelector(".states")).getText();
    }

    /** A dead letter as the worker writes it, failing in {@code frame}, dead-lettered at {@code at}. */
    private static String plantReal(KafkaProducer<byte[], byte[]> producer, String dlt, String topic, String type, String key,
            String value, String exceptionClass, String message, String frame, int attempts, Instant at) throws Exception {
        RecordHeaders h = new RecordHeaders();
        TaskMetadata.create(type, "application/json", null, null).writeTo(h);
        String stack = exceptionClass + ": " + message + "\n\tat java.net.Socket.connect(Socket.java:751)\n\tat " + frame
                + "(Handler.java:42)\n\tat dev.jobwire.worker.TaskRunner.run(TaskRunner.java:88)\n";
        List<AttemptFailure> failures = new java.util.ArrayList<>();
        for (int i = 1; i <= attempts; i++) {
            failures.add(new AttemptFailure(i, at.minusSeconds(10L * (attempts - i)), exceptionClass, message));
        }
        new DeadLetter(topic, 1, 40_000 + at.getEpochSecond() % 1000, at.minusSeconds(60), DeadLetterReason.RETRIES_EXHAUSTED,
                attempts, failures, exceptionClass, message, stack, "worker-7f9c", at).writeTo(h);
        var md = producer.send(new ProducerRecord<>(dlt, null, at.toEpochMilli(), key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8), h)).get();
        return md.topic() + "/" + md.partition() + "/" + md.offset();
    }

    /** A morning on call: four kinds of failure over the last six hours, names and addresses in the messages. */
    private void plantAMorning(TestKafka kafka) throws Exception {
        Instant now = Instant.now();
        String[] people = {"Ann Lee", "Bob Okafor", "Chen Wei", "Dana Cruz", "Emeka Obi", "Fatima Zahra", "Gustav Lind"};
        try (var producer = ViewerTestSupport.producer(kafka)) {
            for (int i = 0; i < 14; i++) {
                String who = people[i % people.length];
                String email = who.toLowerCase().replace(' ', '.') + "@example.com";
                plantReal(producer, dltTopic, taskTopic, "payment.charge", "order-" + (10_231 + i),
                        "{\"order\":" + (10_231 + i) + ",\"customer\":\"" + email + "\",\"amountCents\":" + (1999 + 37 * i) + "}",
                        "com.acme.payments.ProviderUnavailableException",
                        "card of " + who + " <" + email + "> declined by provider: HTTP 503 after " + (3000 + i * 7) + " ms",
                        "com.acme.payments.ChargeHandler.charge", 5, now.minusSeconds(20L * 60 * (i % 7) + 37L * i));
            }
            for (int i = 0; i < 6; i++) {
                String who = people[(i + 3) % people.length];
                plantReal(producer, dltTopic, taskTopic, "email.send", "welcome-" + (501 + i),
                        "{\"template\":\"welcome\",\"to\":\"" + who.toLowerCase().replace(' ', '.') + "@example.org\"}",
                        "jakarta.mail.SendFailedException", "Invalid address: '" + who + "' <"
                                + who.toLowerCase().replace(' ', '.') + "@example.org>",
                        "com.acme.mail.WelcomeMailHandler.send", 1, now.minusSeconds(3_600L * (1 + i % 5)));
            }
            for (int i = 0; i < 3; i++) {
                plantReal(producer, dltTopic, taskTopic, "pdf.render", "invoice-2026-" + (8_801 + i),
                        "{\"invoice\":\"2026-" + (8_801 + i) + "\",\"template\":\"invoice-v7\"}",
                        "org.springframework.kafka.listener.ListenerExecutionFailedException",
                        "template \"invoice-v7\" not found in bucket s3://acme-templates/prod/" + UUID.randomUUID(),
                        "com.acme.documents.InvoiceRenderer.render", 3, now.minusSeconds(900L + 1_200L * i));
            }
            plantReal(producer, dltTopic, taskTopic, "webhook.deliver", "invoice-\u202Efdp.exe",
                    "{\"url\":\"https://hooks.example.net/acme\"}", "java.net.SocketTimeoutException",
                    "Read timed out after 30000 ms", "com.acme.hooks.WebhookDelivery.post", 8, now.minusSeconds(300));
        }
    }

    @Test
    void theFirstScreenShowsOpenWorkAndGroupCountsChangeAtOnceAfterReplayAndResolve(TestKafka kafka) throws Exception {
        plantAMorning(kafka);
        server = ViewerServer.start(ViewerTestSupport.config(kafka, dltTopic));
        driver.get(base());

        // Open first: status "open" without asking, groups by place of failure (names and addresses masked).
        waiting().until(d -> d.findElements(By.cssSelector(".group")).size() == 4);
        assertThat(driver.findElement(By.id("f-status")).getAttribute("value")).isEqualTo("open");
        assertThat(driver.findElement(By.id("summary")).getText()).startsWith("24 open dead letter(s) in 4 group(s)");
        WebElement payments = driver.findElements(By.cssSelector(".group")).getFirst();
        assertThat(payments.findElement(By.cssSelector(".group-title")).getText())
                .isEqualTo("com.acme.payments.ProviderUnavailableException");
        assertThat(payments.findElement(By.cssSelector(".group-count")).getText()).startsWith("14");
        assertThat(payments.getText()).contains("<<email>> declined by provider: HTTP <n> after <n> ms")
                .contains("at com.acme.payments.ChargeHandler.charge");
        assertThat(states("com.acme.payments.ProviderUnavailableException")).isEqualTo("14 open · 0 replayed · 0 resolved");
        assertThat(payments.findElements(By.cssSelector("svg text.tick"))).hasSizeGreaterThanOrEqualTo(3); // time axis
        screenshot("groups-open-first");

        signIn();
        // Replay two of the payments group from the list; the card changes as soon as the replay is done.
        card("com.acme.payments.ProviderUnavailableException").findElement(By.cssSelector(".group-open")).click();
        waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 14);
        List<WebElement> boxes = driver.findElements(By.cssSelector("tr.dl-row input.select"));
        boxes.get(0).click();
        boxes.get(1).click();
        driver.findElement(By.id("replay-selected")).click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("replay-go"))).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("replay-done"), "2 sent"));
        driver.findElement(By.id("replay-close")).click();
        driver.findElement(By.id("nav-groups")).click();
        waiting().until(d -> states("com.acme.payments.ProviderUnavailableException").equals("12 open · 2 replayed · 0 resolved"));
        assertThat(card("com.acme.payments.ProviderUnavailableException").findElement(By.cssSelector(".group-count")).getText())
                .startsWith("12");
        assertThat(kafka.read(taskTopic, 2, Duration.ofSeconds(10))).hasSize(2);

        // Resolve the e-mail group from its card: it leaves the open screen at once.
        card("jakarta.mail.SendFailedException").findElement(By.cssSelector(".group-resolve")).click();
        driver.switchTo().alert().sendKeys("addresses fixed in CRM");
        driver.switchTo().alert().accept();
        waiting().until(d -> card("jakarta.mail.SendFailedException") == null);
        assertThat(driver.findElement(By.id("summary")).getText()).startsWith("16 open dead letter(s) in 3 group(s)");
        // Everything, whatever its status: the counts per status on each card.
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-status"))).selectByValue("all");
        driver.findElement(By.id("apply")).click();
        waiting().until(d -> states("jakarta.mail.SendFailedException").equals("0 open · 0 replayed · 6 resolved"));
        assertThat(states("com.acme.payments.ProviderUnavailableException")).isEqualTo("12 open · 2 replayed · 0 resolved");
        assertThat(driver.getCurrentUrl()).contains("status=all");
    }

    @Test
    void theListFitsA1400PixelWindow(TestKafka kafka) throws Exception {
        plantAMorning(kafka);
        server = ViewerServer.start(ViewerTestSupport.config(kafka, dltTopic));
        driver.get(base() + "?view=list&status=all");
        waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 24);
        assertThat(((Number) js().executeScript("return window.innerWidth")).intValue()).isBetween(1380, 1400);
        // No horizontal scrolling, and every column header fully visible.
        assertThat((Boolean) js().executeScript(
                "return document.documentElement.scrollWidth <= document.documentElement.clientWidth")).isTrue();
        // The filters fit on one line.
        assertThat(((Number) js().executeScript("return document.getElementById('filters').getBoundingClientRect().height"))
                .doubleValue()).isLessThan(60);
        for (WebElement th : driver.findElements(By.cssSelector("#dead-letters thead th"))) {
            Map<?, ?> box = (Map<?, ?>) js().executeScript("const r = arguments[0].getBoundingClientRect();"
                    + "return {right: r.right, clipped: arguments[0].scrollWidth > arguments[0].clientWidth};", th);
            assertThat(((Number) box.get("right")).doubleValue()).as(th.getText()).isLessThanOrEqualTo(1400);
            assertThat(box.get("clipped")).as(th.getText() + " cut off").isEqualTo(false);
        }
        List<String> headers = driver.findElements(By.cssSelector("#dead-letters thead th")).stream().map(WebElement::getText).toList();
        assertThat(headers).contains("Attempts", "Status", "Time (UTC)");
        // Dates on one line, whole (not cut off by the column), with how long ago below.
        for (WebElement cell : driver.findElements(By.cssSelector("tr.dl-row td.when"))) {
            assertThat((Boolean) js().executeScript("return arguments[0].scrollWidth <= arguments[0].clientWidth", cell))
                    .as("time cell cut off: " + cell.getText()).isTrue();
        }
        for (WebElement t : driver.findElements(By.cssSelector("tr.dl-row td.when time"))) {
            Number lines = (Number) js().executeScript("return arguments[0].getClientRects().length", t);
            Number height = (Number) js().executeScript("return arguments[0].getBoundingClientRect().height", t);
            assertThat(lines.intValue()).isEqualTo(1);
            assertThat(height.doubleValue()).isLessThan(24);
            assertThat(t.getText()).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ");
        }
        assertThat(driver.findElements(By.cssSelector("tr.dl-row .ago")).getFirst().getText()).matches("(\\d+ (s|min|h) ago)");
        // Attempts and status cells are inside the window for every row.
        for (WebElement cell : driver.findElements(By.cssSelector("tr.dl-row td.status, tr.dl-row td.num"))) {
            Number right = (Number) js().executeScript("return arguments[0].getBoundingClientRect().right", cell);
            assertThat(right.doubleValue()).isLessThanOrEqualTo(1400);
        }
        // An invisible right-to-left override in a key is shown, not obeyed.
        WebElement key = driver.findElements(By.cssSelector("tr.dl-row td.key")).stream()
                .filter(k -> k.getText().contains("invoice-")).findFirst().orElseThrow();
        assertThat(key.getText()).isEqualTo("invoice-U+202Efdp.exe");
        assertThat(key.findElement(By.cssSelector(".ctl")).getText()).isEqualTo("U+202E");
        screenshot("list-1400px");

        // Select all on the page.
        driver.findElement(By.id("select-all")).click();
        assertThat(driver.findElement(By.id("selected-count")).getText()).isEqualTo("24 selected");
        assertThat(driver.findElements(By.cssSelector("tr.dl-row input.select:checked"))).hasSize(24);
        driver.findElement(By.id("select-all")).click();
        assertThat(driver.findElements(By.cssSelector("tr.dl-row input.select:checked"))).isEmpty();
    }

    @Test
    void dryRunReplayAndItsOutcomeAndAnHonestProgressBar(TestKafka kafka) throws Exception {
        String looping;
        try (var producer = ViewerTestSupport.producer(kafka)) {
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "customer-1", "SMTP timeout after 3000 ms"));
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "customer-2", "SMTP timeout after 4000 ms"));
            looping = plant(producer, Planted.of(dltTopic, taskTopic, "pdf.render", "customer-3", "template 7 missing")
                    .withException("java.lang.IllegalStateException").withReplayCount(3));
        }
        server = ViewerServer.start(ViewerTestSupport.config(kafka, dltTopic));
        driver.get(base() + "?view=list&q=customer-2");
        waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 1);
        signIn();
        assertThat(driver.findElement(By.id("f-q")).getAttribute("value")).isEqualTo("customer-2");

        driver.findElement(By.cssSelector("tr.dl-row a.dl-link")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("d-payload")));
        assertThat(driver.findElement(By.id("d-payload")).getText()).contains("\"key\" : \"customer-2\"");
        assertThat(driver.findElement(By.id("d-stack")).getText()).contains("ChargeHandler.handle");
        assertThat(driver.findElement(By.id("d-attempts")).getText()).contains("java.io.IOException");

        // Dry run (a job), then the replay.
        driver.findElement(By.id("replay-btn")).click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("replay-dry"))).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("dry-summary"), "would send 1 of 1"));
        assertThat(kafka.read(taskTopic, 1, Duration.ofSeconds(1))).isEmpty();
        driver.findElement(By.id("replay-go")).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("replay-done"), "1 sent"));
        List<ConsumerRecord<byte[], byte[]>> replayed = kafka.read(taskTopic, 1, Duration.ofSeconds(10));
        assertThat(new String(replayed.getFirst().key(), StandardCharsets.UTF_8)).isEqualTo("customer-2");
        assertThat(driver.findElements(By.cssSelector("#replay-result .progress .sent"))).hasSize(1);
        driver.findElement(By.id("replay-close")).click();
        waiting().until(d -> d.findElement(By.id("detail")).getText().contains("REPLAYED by ann"));
        assertThat(driver.findElement(By.cssSelector("#detail .outcome")).getText()).startsWith("… waiting");
        screenshot("detail-replayed");

        // Every item refused (loop guard): the bar has no green at all, and the words say so.
        driver.get(base() + "?view=detail&ref=" + looping);
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("replay-btn"))).click();
        waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("replay-go"))).click();
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("replay-done"), "0 sent, 1 refused"));
        assertThat(driver.findElements(By.cssSelector("#replay-result .progress .sent"))).isEmpty();
        assertThat(driver.findElements(By.cssSelector("#replay-result .progress .refused"))).hasSize(1);
        assertThat(driver.findElement(By.id("replay-result")).getText()).contains("loop guard");
        screenshot("replay-refused");
    }

    @Test
    void pausedTheListStaysStillAndSaysWhatChanged(TestKafka kafka) throws Exception {
        try (var producer = ViewerTestSupport.producer(kafka)) {
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "customer-1", "boom"));
            server = ViewerServer.start(ViewerTestSupport.config(kafka, dltTopic));
            driver.get(base() + "?view=list");
            waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 1);
            waiting().until(ExpectedConditions.textToBe(By.id("live"), "live"));
            driver.findElement(By.id("pause-btn")).click();
            assertThat(driver.findElement(By.id("live")).getText()).isEqualTo("paused");
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "customer-2", "boom"));
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("pause-btn"), " new)"));
            assertThat(driver.findElements(By.cssSelector("tr.dl-row"))).hasSize(1);
            driver.findElement(By.id("pause-btn")).click();
            waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 2);
            assertThat(driver.findElement(By.id("live")).getText()).isEqualTo("live");
        }
    }

    @Test
    void relativeTimeRangesLiveInTheUrl(TestKafka kafka) throws Exception {
        try (var producer = ViewerTestSupport.producer(kafka)) {
            ViewerTestSupport.plantAt(producer, Planted.of(dltTopic, taskTopic, "email.send", "old", "boom"),
                    Instant.now().minus(Duration.ofHours(3))).get();
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "new", "boom"));
        }
        server = ViewerServer.start(ViewerTestSupport.config(kafka, dltTopic));
        driver.get(base() + "?view=list");
        waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 2);
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("f-range"))).selectByValue("1h");
        driver.findElement(By.id("apply")).click();
        waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 1);
        assertThat(driver.getCurrentUrl()).contains("range=1h");
        assertThat(driver.findElement(By.cssSelector("tr.dl-row td.key")).getText()).isEqualTo("new");
    }

    @Test
    void nothingInADeadLetterExecutes(TestKafka kafka) throws Exception {
        String hostile = SCRIPT + IMG;
        try (var producer = ViewerTestSupport.producer(kafka)) {
            plant(producer, new Planted(dltTopic, taskTopic, "email.send", "key" + hostile,
                    "{\"html\":\"" + SCRIPT.replace("\"", "\\\"") + IMG.replace("\"", "\\\"") + "\"}",
                    "java.io.IOException", "message " + hostile,
                    DeadLetterReason.NON_RETRYABLE, 0, Map.of("x-note" + IMG, "header " + hostile)));
            // Not JSON either: shown as text.
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "plain", "second " + hostile).withValue(hostile));
        }
        server = ViewerServer.start(ViewerTestSupport.config(kafka, dltTopic));

        driver.get(base());
        waiting().until(d -> !d.findElements(By.cssSelector(".group")).isEmpty());
        assertNothingRan();
        // Group cards show the masked messages (quoted values and numbers masked), still as literal text.
        assertThat(driver.findElement(By.id("groups")).getText()).contains("<script>window.__xss=<n></script>");

        driver.get(base() + "?view=list");
        waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 2);
        assertNothingRan();
        assertThat(driver.findElement(By.id("dead-letters")).getText()).contains(SCRIPT);

        driver.findElements(By.cssSelector("tr.dl-row a.dl-link")).getLast().click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("d-payload")));
        assertNothingRan();
        assertThat(driver.findElement(By.id("d-payload")).getText()).contains(SCRIPT)
                .contains("<img src=x onerror=\\\"window.__xss=1\\\">"); // JSON-escaped quotes
        assertThat(driver.findElement(By.id("d-key")).getText()).isEqualTo("key" + hostile);
        assertThat(driver.findElement(By.id("d-message")).getText()).isEqualTo("message " + hostile);
        assertThat(driver.findElement(By.id("d-headers")).getText()).contains("x-note" + IMG).contains("header " + hostile);

        driver.findElements(By.cssSelector("a")).stream().filter(a -> a.getText().equals("← list")).findFirst().orElseThrow().click();
        waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 2);
        driver.findElements(By.cssSelector("tr.dl-row a.dl-link")).getFirst().click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("d-payload")));
        assertThat(driver.findElement(By.id("d-payload")).getText()).isEqualTo(hostile);
        assertNothingRan();
    }

    private void assertNothingRan() throws InterruptedException {
        Thread.sleep(300); // give an injected onerror a chance to fire
        assertThat(js().executeScript("return typeof window.__xss")).isEqualTo("undefined");
        assertThat(js().executeScript("return document.querySelectorAll('#view img, #view script').length")).isEqualTo(0L);
    }
}
