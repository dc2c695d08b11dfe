package dev.jobwire.viewer;

import static dev.jobwire.viewer.ViewerTestSupport.TOKEN;
import static dev.jobwire.viewer.ViewerTestSupport.plant;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jobwire.testing.RealKafkaExtension;
import dev.jobwire.testing.TestKafka;
import dev.jobwire.viewer.ViewerTestSupport.Planted;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page in a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}).
 * Skipped, with the reason, where {@code /usr/bin/chromedriver} is missing. Selenium Manager is
 * never asked for anything: the driver and the browser are given by path.
 */
@ExtendWith(RealKafkaExtension.class)
class ViewerBrowserIT {
    private static final String DRIVER = "/usr/bin/chromedriver";
    private static final String BROWSER = "/usr/bin/chromium";
    private static final String SCRIPT = "<script>window.__xss=1</script>";
    private static final String IMG = "<img src=x onerror=\"window.__xss=1\">";

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
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1400,1000", "--user-data-dir=" + profile);
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
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class); // the page re-renders live
        return wait;
    }

    private String base() {
        return "http://127.0.0.1:" + server.port() + "/";
    }

    @Test
    void groupsFilterDetailAndReplay(TestKafka kafka) throws Exception {
        try (var producer = ViewerTestSupport.producer(kafka)) {
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "customer-1", "SMTP timeout after 3000 ms"));
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "customer-2", "SMTP timeout after 4000 ms"));
            plant(producer, Planted.of(dltTopic, taskTopic, "pdf.render", "customer-3", "template 7 missing")
                    .withException("java.lang.IllegalStateException"));
            server = ViewerServer.start(ViewerTestSupport.config(kafka, dltTopic));
            driver.get(base());

            // The first screen: groups by error.
            waiting().until(d -> d.findElements(By.cssSelector(".group")).size() == 2);
            WebElement biggest = driver.findElements(By.cssSelector(".group")).getFirst();
            assertThat(biggest.findElement(By.cssSelector(".group-count")).getText()).isEqualTo("2");
            assertThat(biggest.getText()).contains("SMTP timeout after <n> ms").contains("email.send");
            assertThat(biggest.findElements(By.cssSelector("svg rect"))).isNotEmpty();

            // New dead letters appear without a reload.
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "customer-4", "SMTP timeout after 1 ms"));
            waiting().until(d -> d.findElements(By.cssSelector(".group .group-count")).getFirst().getText().equals("3"));

            // Sign in.
            driver.findElement(By.id("signin-btn")).click();
            driver.findElement(By.id("login-user")).sendKeys("browser-tester");
            driver.findElement(By.id("login-token")).sendKeys(TOKEN);
            driver.findElement(By.id("login-submit")).click();
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("signed-in"), "browser-tester"));

            // Filter the list; the filter lands in the URL.
            driver.findElement(By.id("nav-list")).click();
            waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 4);
            driver.findElement(By.id("f-q")).sendKeys("customer-2");
            driver.findElement(By.id("apply")).click();
            waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 1);
            assertThat(driver.getCurrentUrl()).contains("q=customer-2").contains("view=list");
            driver.navigate().refresh(); // a shareable link: the same filter after a reload
            waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 1);
            assertThat(driver.findElement(By.id("f-q")).getAttribute("value")).isEqualTo("customer-2");

            // Open it.
            driver.findElement(By.cssSelector("tr.dl-row a.dl-link")).click();
            waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("d-payload")));
            assertThat(driver.findElement(By.id("d-payload")).getText()).contains("\"key\" : \"customer-2\"");
            assertThat(driver.findElement(By.id("d-key")).getText()).isEqualTo("customer-2");
            assertThat(driver.findElement(By.id("d-stack")).getText()).contains("ChargeHandler.handle");
            assertThat(driver.findElement(By.id("d-headers")).getText()).contains("team").contains("billing");
            assertThat(driver.findElement(By.id("d-attempts")).getText()).contains("java.io.IOException");

            // Replay: dry run first, then for real.
            driver.findElement(By.id("replay-btn")).click();
            waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("replay-dry"))).click();
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("dry-summary"), "would send 1 of 1"));
            assertThat(kafka.read(taskTopic, 1, Duration.ofSeconds(1))).isEmpty();
            driver.findElement(By.id("replay-go")).click();
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("replay-done"), "1 sent"));
            List<ConsumerRecord<byte[], byte[]>> replayed = kafka.read(taskTopic, 1, Duration.ofSeconds(10));
            assertThat(replayed).hasSize(1);
            assertThat(new String(replayed.getFirst().key(), StandardCharsets.UTF_8)).isEqualTo("customer-2");
            driver.findElement(By.id("replay-close")).click();
            waiting().until(d -> d.findElement(By.id("detail")).getText().contains("REPLAYED by browser-tester"));
        }
    }

    @Test
    void nothingInADeadLetterExecutes(TestKafka kafka) throws Exception {
        String hostile = SCRIPT + IMG;
        try (var producer = ViewerTestSupport.producer(kafka)) {
            plant(producer, new Planted(dltTopic, taskTopic, "email.send", "key" + hostile,
                    "{\"html\":\"" + SCRIPT.replace("\"", "\\\"") + IMG.replace("\"", "\\\"") + "\"}",
                    "java.io.IOException", "message " + hostile,
                    dev.jobwire.wire.DeadLetterReason.NON_RETRYABLE, 0, Map.of("x-note" + IMG, "header " + hostile)));
            // Not JSON either: shown as text.
            plant(producer, Planted.of(dltTopic, taskTopic, "email.send", "plain", "second " + hostile).withValue(hostile));
        }
        server = ViewerServer.start(ViewerTestSupport.config(kafka, dltTopic));
        JavascriptExecutor js = (JavascriptExecutor) driver;

        driver.get(base());
        waiting().until(d -> !d.findElements(By.cssSelector(".group")).isEmpty());
        assertNothingRan(js);
        // Group titles show the normalised message (numbers masked), still as literal text.
        assertThat(driver.findElement(By.id("groups")).getText())
                .contains("<script>window.__xss=<n></script>").contains("<img src=x onerror=\"window.__xss=<n>\">");

        driver.get(base() + "?view=list");
        waiting().until(d -> d.findElements(By.cssSelector("tr.dl-row")).size() == 2);
        assertNothingRan(js);
        assertThat(driver.findElement(By.id("dead-letters")).getText()).contains(SCRIPT);

        driver.findElements(By.cssSelector("tr.dl-row a.dl-link")).getLast().click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("d-payload")));
        assertNothingRan(js);
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
        assertNothingRan(js);
    }

    private static void assertNothingRan(JavascriptExecutor js) throws InterruptedException {
        Thread.sleep(300); // give an injected onerror a chance to fire
        assertThat(js.executeScript("return typeof window.__xss")).isEqualTo("undefined");
        assertThat(js.executeScript("return document.querySelectorAll('#view img, #view script').length")).isEqualTo(0L);
    }
}
