"""The web pages of `rsoctl serve` in headless Chromium (scripts/web-test runs this; needs selenium and
axe-selenium-python).

    pages.py --base-url URL --setup SETUP.json --artifacts DIR [--chromium PATH] [--chromedriver PATH]
             [--markers-out FILE]
        the checks below, against a server seeded as SETUP.json says:
        {"reference": "AVRR-...", "users": {"caseworker" | "manager" | "locked": {"name", "password"}},
         "shown_value": a personal value of the case, "personal_values": [every personal value of the case]}
        Screenshots (*.png) and axe's results (axe-*.json) go to DIR; the session cookies the server set are added
        to FILE as LABEL<TAB>VALUE lines (scripts/web-test looks for them in the server's log).
    pages.py --base-url URL --smoke PATH --artifacts DIR [--chromium PATH] [--chromedriver PATH]
        one page only: loads it, runs axe, takes a screenshot (checks the browser, chromedriver and axe work).

The checks, in order (each a function below; a later one may depend on an earlier one's sign-in):
  signed out      GET / and GET /cases/REF answer 303 to /login
  login page      the form, its labelled inputs, CSRF field and button; axe; login.png
  wrong password  401, the alert, the username kept, the password not echoed; login-wrong-password.png
  caseworker      signs in: 303 to /, an HttpOnly SameSite=Strict rso_session cookie, My work lists the case; axe;
                  my-work.png
  case page       h1, fields with the personal value, transitions, timeline; axe; case.png, and at 390x844
                  case-phone.png
  sign-out        a POST /logout without or with a wrong CSRF field is 403; Sign out ends the session
  manager         sees [redacted] where the caseworker saw the value, and no personal value in the page; axe;
                  case-manager.png
  lockout         4 wrong passwords are 401, the 5th 401 or 429, the 6th (right) 429 "Too many failed sign-ins";
                  other users still sign in; login-locked.png
axe: every violation is printed; one of impact "serious" or "critical" fails the check it was found in.
Exit 0 when every check passed, 1 otherwise.
"""

import argparse
import collections
import json
import os
import re
import signal
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request

from axe_selenium_python import Axe
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT = 15  # seconds for a page to change or an element to appear; a sign-in hashes with bcrypt, on two busy cores
FAILING_IMPACTS = {"serious", "critical"}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}


class CheckFailed(Exception):
    pass


class Skipped(Exception):
    """What a check needs is not there yet (the dashboard): reported loudly, not failed."""


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


class Browser:
    """One headless Chromium, with the status of every document it loads read from its performance log (Selenium
    itself never sees HTTP statuses)."""

    def __init__(self, base, artifacts, chromium, chromedriver):
        self.base, self.artifacts = base.rstrip("/"), artifacts
        options = webdriver.ChromeOptions()
        options.binary_location = chromium
        # Root in a container: no sandbox, a small /dev/shm, no GPU. The rest keeps Chromium off the network (there
        # is none here but loopback) and quiet.
        for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--no-proxy-server", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--password-store=basic"):
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        # Given the driver's path, Selenium skips Selenium Manager (which would download); SE_OFFLINE keeps it offline
        # should a later Selenium call it all the same.
        os.environ["SE_OFFLINE"] = "true"
        os.environ["SE_AVOID_STATS"] = "true"
        log = open(os.path.join(artifacts, "chromedriver.log"), "w")
        self.driver = webdriver.Chrome(service=Service(executable_path=chromedriver, log_output=log), options=options)
        self.driver.set_page_load_timeout(30)
        self.driver.set_script_timeout(60)  # axe on a page
        # The viewport, whatever the window's frame takes: the screenshots are 1280x900.
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        self.axe = Axe(self.driver)  # only for inject(): its bundled axe.min.js, no download
        self.pages = 0
        self.violations = collections.Counter()

    def quit(self):
        try:
            self.driver.quit()
        except Exception as error:  # already gone: nothing left to stop
            print(f"web-test: warning: quitting the browser: {error}")

    def url(self, path):
        return self.base + path

    def path(self):
        return urllib.parse.urlsplit(self.driver.current_url).path

    def documents(self):
        """(status, path) of each document response since the last call, redirects included, in order."""
        seen = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if params.get("type") != "Document":
                continue
            response = None
            if message["method"] == "Network.requestWillBeSent":
                response = params.get("redirectResponse")
            elif message["method"] == "Network.responseReceived":
                response = params["response"]
            if response and response["url"].startswith(self.base):
                seen.append((response["status"], urllib.parse.urlsplit(response["url"]).path))
        return seen

    def settled(self, what):
        """The documents that the navigation `what` loaded, once the last one is not a redirect."""
        WebDriverWait(self.driver, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")
        seen, deadline = [], time.monotonic() + WAIT
        while time.monotonic() < deadline:
            seen += self.documents()
            if seen and not 300 <= seen[-1][0] < 400:
                return seen
            time.sleep(0.1)
        raise CheckFailed(f"{what}: no final document within {WAIT} s (saw {seen})")

    def get(self, path):
        self.documents()  # drop what came before
        self.driver.get(self.url(path))
        return self.settled(f"GET {path}")

    def submit(self, button, what):
        """Clicks a submit button and waits for the page it leads to."""
        self.documents()
        old = self.driver.find_element(By.TAG_NAME, "html")
        button.click()
        WebDriverWait(self.driver, WAIT).until(expected_conditions.staleness_of(old), f"{what}: the page did not change")
        return self.settled(what)

    def follow(self, link, what):
        """Clicks a link and waits for the page it leads to."""
        self.documents()
        old = self.driver.find_element(By.TAG_NAME, "html")
        link.click()
        WebDriverWait(self.driver, WAIT).until(expected_conditions.staleness_of(old), f"{what}: the page did not change")
        return self.settled(what)

    def one(self, selector, what=None):
        found = self.driver.find_elements(By.CSS_SELECTOR, selector)
        expect(found, f"{what or 'the page'} at {self.path()} has no {selector}")
        return found[0]

    def screenshot(self, name):
        self.driver.save_screenshot(os.path.join(self.artifacts, name))

    def check_page(self, name):
        """axe on the page as it is now; its results kept as axe-NAME.json. Fails on a serious or critical
        violation, after printing every violation."""
        self.pages += 1
        self.axe.inject()
        results = self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "axe.run(document, {resultTypes: ['violations']}).then(done, e => done({error: String(e)}));")
        expect("error" not in results, f"axe failed on {name}: {results.get('error')}")
        with open(os.path.join(self.artifacts, f"axe-{name}.json"), "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)
        failing = []
        for violation in results["violations"]:
            impact = violation.get("impact") or "unknown"
            self.violations[impact] += 1
            targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
            print(f"web-test: axe on {name}: {impact}: {violation['id']}: {violation['help']} ({targets})")
            if impact in FAILING_IMPACTS:
                failing.append(f"{violation['id']} ({impact})")
        expect(not failing, f"axe found serious or critical violations on {name}: {', '.join(failing)}")


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# Straight to the server: no proxy, no redirects followed (their status and Location are what is checked).
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects)


def http(base, method, path, cookie=None, form=None):
    """(status, Location path) of one request, with an rso_session cookie and a form body when given."""
    request = urllib.request.Request(base + path, method=method,
                                     data=None if form is None else urllib.parse.urlencode(form).encode())
    if form is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if cookie:
        request.add_header("Cookie", f"rso_session={cookie}")
    try:
        with opener.open(request, timeout=30) as response:
            status, headers = response.status, response.headers
    except urllib.error.HTTPError as error:
        status, headers = error.code, error.headers
    return status, urllib.parse.urlsplit(headers.get("Location") or "").path


def fetch(base, path, cookie):
    """(status, Content-Type, body) of a GET with an rso_session cookie (the dashboard's CSV files)."""
    request = urllib.request.Request(base + path, headers={"Cookie": f"rso_session={cookie}"})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type") or "", response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type") or "", error.read().decode("utf-8", "replace")


def rsoctl(ctx, *args):
    """`rsoctl ARGS --format json` on the server's database (scripts/web-test's environment): its JSON. A failure or a
    minute without an answer fails the check."""
    command = " ".join(["rsoctl", *args])
    try:
        done = subprocess.run([ctx.rsoctl, *args, "--format", "json"], capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise CheckFailed(f"`{command}` did not finish within 60 s")
    expect(done.returncode == 0, f"`{command}` exited with {done.returncode}: {done.stderr.strip()[-600:]}")
    try:
        return json.loads(done.stdout)
    except ValueError:
        raise CheckFailed(f"`{command}` printed no JSON: {done.stdout[:300]!r}")


# --- the checks ----------------------------------------------------------------------------------------------------

def sign_in(b, name, password):
    """Fills and sends the sign-in form; the documents it led to."""
    b.get("/login")
    b.one('input[name="username"]').send_keys(name)
    b.one('input[name="password"]').send_keys(password)
    return b.submit(b.one('form[action="/login"] button[type="submit"]'), f"signing in as {name}")


def alert_text(b):
    return " ".join(e.text for e in b.driver.find_elements(By.CSS_SELECTOR, "[role=alert]"))


def check_sign_out_form(b):
    form = b.one('form[action="/logout"]', "a signed-in page")
    expect((form.get_dom_attribute("method") or "").lower() == "post", f"the sign-out form at {b.path()} is not method=post")
    expect(form.find_elements(By.CSS_SELECTOR, 'input[type="hidden"][name="csrf"]'),
           f"the sign-out form at {b.path()} has no hidden csrf input")
    expect(any(button.text.strip() == "Sign out" for button in form.find_elements(By.TAG_NAME, "button")),
           f"the sign-out form at {b.path()} has no button 'Sign out'")


def session_cookie(b, ctx, who):
    cookie = b.driver.get_cookie("rso_session")
    expect(cookie, f"no rso_session cookie after {who} signed in (cookies: {[c['name'] for c in b.driver.get_cookies()]})")
    with open(ctx.markers_out, "a", encoding="utf-8") as f:
        f.write(f"the session cookie of {who}\t{cookie['value']}\n")
    return cookie


def fields(b):
    """The case page's fields: [(label, value)], each <dt> with the <dd> after it."""
    b.one("dl#fields")
    return b.driver.execute_script("""
        return Array.from(document.querySelectorAll('#fields dt')).map(dt => {
            let dd = dt.nextElementSibling;
            while (dd && dd.tagName !== 'DD') dd = dd.nextElementSibling;
            return [dt.textContent.trim(), dd ? dd.textContent.trim() : null];
        });""")


def check_signed_out(b, ctx):
    for path in ("/", f"/cases/{ctx.reference}"):
        status, location = http(b.base, "GET", path)
        expect((status, location) == (303, "/login"), f"GET {path} signed out answered {status} to {location!r}, not 303 to /login")


def check_login_page(b, ctx):
    docs = b.get("/login")
    expect(docs[-1][0] == 200, f"GET /login answered {docs}")
    form = b.one('form[action="/login"]')
    expect((form.get_dom_attribute("method") or "").lower() == "post", "the sign-in form is not method=post")
    for name in ("username", "password"):
        field = b.one(f'form[action="/login"] input[name="{name}"]')
        # HTMLInputElement.labels: a <label for=id> or a <label> around the input, either counts.
        labels = b.driver.execute_script("return Array.from(arguments[0].labels || []).map(l => l.textContent.trim())", field)
        expect(any(labels), f"the {name} input has no label")
    expect(b.one('input[name="password"]').get_dom_attribute("type") == "password", "the password input is not type=password")
    csrf = b.one('form[action="/login"] input[type="hidden"][name="csrf"]')
    expect(csrf.get_dom_attribute("value"), "the sign-in form's csrf input is empty")
    button = b.one('form[action="/login"] button[type="submit"]')
    expect(button.text.strip() == "Sign in", f"the sign-in button says {button.text!r}, not 'Sign in'")
    b.screenshot("login.png")
    b.check_page("login")


def check_wrong_password(b, ctx):
    user = ctx.users["caseworker"]
    wrong = "not-the-password-" + user["name"]  # fixed: nothing random in the checks
    docs = sign_in(b, user["name"], wrong)
    expect(docs[-1][0] == 401, f"a wrong password was answered {docs}, not 401")
    expect("username or password is wrong" in alert_text(b).lower(),
           f"after a wrong password, [role=alert] says {alert_text(b)!r}")
    kept = b.one('input[name="username"]').get_attribute("value")
    expect(kept == user["name"], f"after a wrong password the username input holds {kept!r}, not {user['name']!r}")
    expect(wrong not in b.driver.page_source, "the page after a wrong password shows the password typed")
    b.screenshot("login-wrong-password.png")
    b.check_page("login-wrong-password")


def check_caseworker(b, ctx):
    user = ctx.users["caseworker"]
    docs = sign_in(b, user["name"], user["password"])
    expect(docs[0] == (303, "/login") and docs[-1] == (200, "/"), f"signing in answered {docs}, not 303 to / and 200")
    cookie = session_cookie(b, ctx, user["name"])
    expect(cookie.get("httpOnly") is True, f"the rso_session cookie is not HttpOnly: {cookie}")
    expect(cookie.get("sameSite") == "Strict", f"the rso_session cookie is SameSite={cookie.get('sameSite')}, not Strict")
    expect(b.one("h1").text.strip() == "My work", f"the page after signing in has h1 {b.one('h1').text!r}, not 'My work'")
    link = b.one(f'table#cases a[href="/cases/{ctx.reference}"]', "My work")
    expect(link.text.strip() == ctx.reference, f"the link to the case says {link.text!r}, not {ctx.reference!r}")
    check_sign_out_form(b)
    b.screenshot("my-work.png")
    b.check_page("my-work")


def check_case_page(b, ctx):
    docs = b.get(f"/cases/{ctx.reference}")
    expect(docs[-1] == (200, f"/cases/{ctx.reference}"), f"GET /cases/{ctx.reference} answered {docs}")
    h1 = b.one("h1").text
    expect(ctx.reference in h1, f"the case page's h1 is {h1!r}, without {ctx.reference}")
    shown = fields(b)
    labels = [label for label, value in shown if value == ctx.shown_value]
    expect(labels, f"no field of the case page shows the caseworker {ctx.shown_value!r}: {shown}")
    ctx.shown_label = labels[0]  # where the manager must see [redacted]
    b.one("section#transitions")
    actions = [form.get_dom_attribute("action") for form in b.driver.find_elements(By.CSS_SELECTOR, "#transitions form")]
    pattern = re.compile(rf"/cases/{re.escape(ctx.reference)}/transitions/[a-z_]+")
    expect(all(action and pattern.fullmatch(action) for action in actions), f"transition forms with other actions: {actions}")
    # A registered AVRR case: the caseworker who opened it may start counselling (AVRRWorkflow.swift).
    expect(f"/cases/{ctx.reference}/transitions/start_counselling" in actions,
           f"the caseworker is offered no start_counselling: {actions}")
    expect(len(b.driver.find_elements(By.CSS_SELECTOR, "ol#timeline > li")) >= 1, "the case page's ol#timeline has no li")
    check_sign_out_form(b)
    b.screenshot("case.png")
    b.check_page("case")
    # At a phone's size: the same page, its screenshot and axe. A page wider than the phone is reported, not failed
    # (the contract says nothing of it).
    b.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    try:
        b.get(f"/cases/{ctx.reference}")
        width = b.driver.execute_script("return document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            print(f"web-test: warning: the case page is {width} px wide at a phone's {PHONE['width']} px")
        b.screenshot("case-phone.png")
        b.check_page("case-phone")
    finally:
        b.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                 {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})


def check_sign_out(b, ctx):
    cookie = b.driver.get_cookie("rso_session")
    expect(cookie, "not signed in: no rso_session cookie to sign out with")
    old = cookie["value"]
    for what, form in (("without a csrf field", {}), ("with a wrong csrf", {"csrf": "not-the-csrf-token"})):
        status, _ = http(b.base, "POST", "/logout", cookie=old, form=form)
        expect(status == 403, f"POST /logout {what} answered {status}, not 403")
    status, location = http(b.base, "GET", "/", cookie=old)
    expect(status == 200, f"after refused sign-outs the session no longer works: GET / answered {status} to {location!r}")
    b.get("/")
    docs = b.submit(b.one('form[action="/logout"] button'), "signing out")
    expect(docs[0] == (303, "/logout") and b.path() == "/login", f"signing out answered {docs}, not 303 to /login")
    status, location = http(b.base, "GET", "/", cookie=old)
    expect((status, location) == (303, "/login"), f"the old session cookie still works: GET / answered {status} to {location!r}")
    # And in the browser, the cookie put back by hand.
    b.driver.add_cookie({"name": "rso_session", "value": old, "path": "/"})
    b.get("/")
    expect(b.path() == "/login", f"the browser with the old cookie put back reached {b.path()}, not /login")
    b.driver.delete_all_cookies()


def check_manager(b, ctx):
    user = ctx.users["manager"]
    b.driver.delete_all_cookies()
    docs = sign_in(b, user["name"], user["password"])
    expect(docs[-1] == (200, "/"), f"the manager signing in got {docs}, not to /")
    session_cookie(b, ctx, user["name"])
    expect(b.one("h1").text.strip() == "My work", f"the manager's first page has h1 {b.one('h1').text!r}")
    docs = b.get(f"/cases/{ctx.reference}")
    expect(docs[-1] == (200, f"/cases/{ctx.reference}"), f"the manager's GET /cases/{ctx.reference} answered {docs}")
    label = getattr(ctx, "shown_label", None)
    expect(label, "the caseworker's case page check found no field to compare with")
    shown = dict(fields(b))
    expect(shown.get(label) == "[redacted]", f"the manager sees {label!r} as {shown.get(label)!r}, not '[redacted]'")
    source = b.driver.page_source
    leaked = [value for value in ctx.personal_values if value in source]
    expect(not leaked, f"the manager's case page holds personal values: {leaked}")
    check_sign_out_form(b)
    b.screenshot("case-manager.png")
    b.check_page("case-manager")
    b.submit(b.one('form[action="/logout"] button'), "signing the manager out")


def check_lockout(b, ctx):
    user = ctx.users["locked"]
    b.driver.delete_all_cookies()
    for attempt in range(1, 6):
        docs = sign_in(b, user["name"], f"wrong-password-{attempt}-of-5")
        # The 5th failure locks (SignInRules.failuresBeforeLock), and may already say so.
        allowed = (401,) if attempt < 5 else (401, 429)
        expect(docs[-1][0] in allowed, f"wrong password {attempt} of 5 was answered {docs}, not {' or '.join(map(str, allowed))}")
    docs = sign_in(b, user["name"], user["password"])
    expect(docs[-1][0] == 429, f"the right password after 5 wrong ones was answered {docs}, not 429")
    expect("too many failed sign-ins" in alert_text(b).lower(), f"a locked-out sign-in's [role=alert] says {alert_text(b)!r}")
    expect(not b.driver.get_cookie("rso_session"), "a locked-out sign-in set an rso_session cookie")
    b.screenshot("login-locked.png")
    b.check_page("login-locked")
    # Locked is one user, not everyone on this address.
    other = ctx.users["caseworker"]
    b.driver.delete_all_cookies()
    docs = sign_in(b, other["name"], other["password"])
    expect(docs[-1] == (200, "/"), f"another user signing in after the lockout got {docs}, not to /")


CHECKS = [
    ("signed out", check_signed_out),
    ("login page", check_login_page),
    ("wrong password", check_wrong_password),
    ("caseworker", check_caseworker),
    ("case page", check_case_page),
    ("sign-out", check_sign_out),
    ("manager", check_manager),
    ("lockout", check_lockout),
]


def smoke(b, path):
    docs = b.get(path)
    print(f"web-test: smoke: GET {path}: {docs}, title {b.driver.title!r}")
    b.screenshot("smoke.png")
    b.check_page("smoke")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--setup")
    parser.add_argument("--smoke", metavar="PATH")
    parser.add_argument("--markers-out", default=os.devnull)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()
    if not args.setup and not args.smoke:
        parser.error("--setup or --smoke is needed")
    os.makedirs(args.artifacts, exist_ok=True)
    # SIGTERM (timeout, or scripts/web-test's exit) becomes an exception, so that `finally` quits the browser.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    b = Browser(args.base_url, args.artifacts, args.chromium, args.chromedriver)
    passed, failed = [], []
    try:
        if args.smoke:
            checks = [("smoke", lambda b, ctx: smoke(b, args.smoke))]
            ctx = None
        else:
            with open(args.setup, encoding="utf-8") as f:
                ctx = argparse.Namespace(**json.load(f), markers_out=args.markers_out)
            checks = CHECKS
        for name, check in checks:
            started = time.monotonic()
            try:
                check(b, ctx)
                passed.append(name)
                print(f"web-test: ok: {name} ({time.monotonic() - started:.1f} s)")
            except (CheckFailed, WebDriverException, OSError, KeyError) as error:
                failed.append(name)
                detail = str(error) if isinstance(error, CheckFailed) else traceback.format_exc(limit=3)
                print(f"web-test: FAIL: {name}: {detail.strip()}")
                try:
                    b.screenshot(f"failed-{name.replace(' ', '-')}.png")
                except WebDriverException:
                    pass
    finally:
        b.quit()
    impacts = ", ".join(f"{b.violations[i]} {i}" for i in ("critical", "serious", "moderate", "minor", "unknown")
                        if b.violations[i] or i != "unknown")
    print(f"web-test: {b.pages} pages checked with axe ({impacts} violation(s))")
    print(f"web-test: {len(passed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
