"""`make cluster` under faults: a Rasa server killed, PostgreSQL restarted, the action server and
Redis down; and stopped with `kill -- -PGID`. One cluster for the module (nginx, 2 Rasa servers,
1 action server), its own PostgreSQL database and its own redis-server, so nothing shared is hurt
(PostgreSQL itself is restarted once, as in production, and is always running again afterwards).
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid

import pytest

from leercoach import content, settings
from leercoach.run.model import model_path
from tests.support import forged_call, port_is_free, this_machines_address
from tests.support_cluster import (
    Database,
    PrivateRedis,
    alive,
    cluster_directory,
    conversation_script,
    ensure_postgres_running,
    say,
    start_cluster,
    texts,
    wait_until,
)

pytestmark = pytest.mark.servers

FAILURE = content.message("server_error")


@pytest.fixture(scope="module")
def redis():
    server = PrivateRedis()
    server.start()
    yield server
    server.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory, redis):
    if not model_path().exists():
        pytest.fail("no model for the current data: run `make train` first (make test does)")
    database = Database()
    directory = cluster_directory()
    running = start_cluster(directory, database, redis.port)
    yield running
    if running.process.poll() is None:
        os.killpg(running.process.pid, signal.SIGTERM)
        running.process.wait(timeout=120)
    database.drop()
    shutil.rmtree(directory, ignore_errors=True)
    running.log.unlink(missing_ok=True)


def user_events(database: Database):
    """Per conversation (its stored, pseudonymous id): how many user messages are stored."""
    return dict(
        database.query("SELECT sender_id, count(*) FROM events WHERE type_name = 'user' GROUP BY sender_id")
    )


def converse(port, sender, script, results, start_barrier=None, pause_after=None):
    for number, (message, expected) in enumerate(script):
        if start_barrier is not None and number == pause_after:
            start_barrier.wait()
        try:
            status, replies = say(port, sender, message)
        except OSError as problem:  # counted as a failure below, not lost in the thread
            status, replies = 0, repr(problem)
        results.append((sender, number, message, expected, status, replies))


def test_make_cluster_prints_the_address_and_creates_its_database(cluster):
    printed = cluster.output()
    assert f"http://localhost:{cluster.port}/webhooks/rest/webhook" in printed
    assert "2 Rasa-servers" in printed
    assert cluster.database.exists()
    status, replies = say(cluster.port, "cluster-hallo", "hallo")
    assert status == 200 and replies[0]["text"] == content.answer("greet")["text"].strip()


def test_rasa_api_is_not_exposed_through_nginx(cluster):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"http://127.0.0.1:{cluster.port}/conversations/x/tracker", timeout=10)
    assert refused.value.code == 404


def action_ports(cluster):
    """The action servers' own ports and nginx's port for them (its second `listen`)."""
    config = (cluster.directory / "nginx.conf").read_text()
    upstream = config.split("upstream actions {", 1)[1].split("}", 1)[0]
    servers = [int(port) for port in re.findall(r"server 127\.0\.0\.1:(\d+)", upstream)]
    nginx = int(re.findall(r"listen 127\.0\.0\.1:(\d+);", config)[-1])
    return servers, nginx


@pytest.mark.parametrize("headers", [None, {settings.ACTION_SECRET_HEADER: "geraden-" + "x" * 40}])
def test_a_forged_action_call_is_refused_by_every_action_server_and_through_nginx(cluster, headers):
    servers, nginx = action_ports(cluster)
    assert servers
    for port in [*servers, nginx]:
        status, body = forged_call(port, headers)
        assert status == 401, (port, body)


def test_the_action_servers_are_not_reachable_from_another_machine(cluster):
    servers, _ = action_ports(cluster)
    for port in servers:
        with pytest.raises(OSError):
            socket.create_connection((this_machines_address(), port), timeout=5).close()


def test_conversations_go_on_with_their_state_after_a_rasa_server_is_killed(cluster):
    script = conversation_script()
    senders = [f"kill9-{uuid.uuid4().hex[:6]}-{n}" for n in range(6)]
    before = sum(user_events(cluster.database).values())
    results = []
    halfway = threading.Barrier(len(senders) + 1)
    threads = [
        threading.Thread(target=converse, args=(cluster.port, s, script, results, halfway, 2))
        for s in senders
    ]
    for thread in threads:
        thread.start()
    halfway.wait()  # every conversation has its list shown and answered "de tweede"
    time.sleep(0.3)  # the third turns are under way
    killed = cluster.pid("rasa-1")
    os.killpg(killed, signal.SIGKILL)
    for thread in threads:
        thread.join(timeout=300)

    assert len(results) == len(senders) * len(script)
    for sender, number, message, expected, status, replies in results:
        assert status == 200, (sender, number, status, replies)
        shown = texts(replies)
        assert shown and all(shown), (sender, number, replies)
        assert FAILURE not in shown, (sender, number)
        assert any(expected in text for text in shown), (sender, number, message, shown)
        assert len(shown) == len(set(shown)), f"a reply came twice: {shown}"
    stored = user_events(cluster.database)
    assert sum(stored.values()) - before == len(results), "events lost or stored twice"
    assert sorted(stored.values()).count(len(script)) >= len(senders)
    # The launcher starts the killed server again.
    assert wait_until(lambda: cluster.pid("rasa-1") != killed and alive(cluster.pid("rasa-1")), timeout=30)


def load_while(cluster, action, conversations=4):
    """Employees asking a question over and over while ``action`` runs; the (status, reply)s."""
    stop = threading.Event()
    results = []

    def ask(sender):
        while not stop.is_set():
            results.append(say(cluster.port, sender, "wat is een leercultuur?"))

    threads = [
        threading.Thread(target=ask, args=(f"pg-{uuid.uuid4().hex[:6]}-{n}",)) for n in range(conversations)
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(2)
        action()
        time.sleep(2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=180)
        ensure_postgres_running()
    return results


def pg_ctl(*command):
    done = subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", *command], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def assert_answered_or_told_to_retry(results, must_see_failure):
    answer = content.answer("wat_is_leercultuur")["text"].strip()[:30]
    assert results
    for status, replies in results:
        assert status == 200, (status, replies)
        shown = texts(replies)
        assert shown and all(shown), replies
        assert FAILURE in shown or any(answer in t for t in shown), shown
    if must_see_failure:
        assert any(FAILURE in texts(replies) for _, replies in results)


def answered_after_recovery(cluster):
    answer = content.answer("wat_is_leercultuur")["text"].strip()[:30]

    def answered():
        status, replies = say(cluster.port, f"after-{uuid.uuid4().hex[:6]}", "wat is een leercultuur?")
        return status == 200 and any(answer in t for t in texts(replies))

    return wait_until(answered, timeout=60, interval=1) and all(answered() for _ in range(4))


def test_a_postgresql_restart_under_load_gives_no_error_and_recovers_by_itself(cluster):
    rasa = {k: v for k, v in cluster.pids().items() if k.startswith("rasa")}
    assert_answered_or_told_to_retry(load_while(cluster, lambda: pg_ctl("restart")), must_see_failure=False)
    assert answered_after_recovery(cluster)
    assert {k: v for k, v in cluster.pids().items() if k.startswith("rasa")} == rasa  # nothing restarted


def test_while_postgresql_is_down_the_answer_is_the_dutch_message(cluster):
    def outage():
        pg_ctl("stop", "-m", "fast")
        time.sleep(3)
        pg_ctl("start")

    assert_answered_or_told_to_retry(load_while(cluster, outage), must_see_failure=True)
    assert answered_after_recovery(cluster)


def test_with_the_action_server_down_the_answer_is_friendly_and_it_recovers(cluster):
    os.killpg(cluster.pid("actieserver-1"), signal.SIGKILL)
    status, replies = say(cluster.port, f"actions-down-{uuid.uuid4().hex[:6]}", "wat is een leercultuur?")
    assert status == 200
    assert texts(replies) == [FAILURE]
    answer = content.answer("wat_is_leercultuur")["text"].strip()[:30]
    assert wait_until(
        lambda: any(
            answer in t
            for t in texts(
                say(cluster.port, f"actions-up-{uuid.uuid4().hex[:6]}", "wat is een leercultuur?")[1]
            )
        ),
        timeout=120,
        interval=2,
    )


def test_with_redis_down_the_answer_is_friendly_and_nothing_is_stored(cluster, redis):
    sender = f"redis-down-{uuid.uuid4().hex[:6]}"
    say(cluster.port, sender, "hallo")
    before = sum(user_events(cluster.database).values())
    redis.kill()
    try:
        status, replies = say(cluster.port, sender, "wat is een leercultuur?")
        assert status == 200 and texts(replies) == [FAILURE]
        assert sum(user_events(cluster.database).values()) == before  # not half handled
    finally:
        redis.start()  # the same port: the servers reconnect by themselves
    answer = content.answer("wat_is_leercultuur")["text"].strip()[:30]
    assert wait_until(
        lambda: any(answer in t for t in texts(say(cluster.port, sender, "wat is een leercultuur?")[1])),
        timeout=60,
        interval=1,
    )


def test_kill_minus_pgid_stops_every_process_and_frees_every_port(cluster):
    pids = cluster.pids()
    assert {"nginx", "rasa-1", "rasa-2", "actieserver-1"} <= set(pids)
    os.killpg(cluster.process.pid, signal.SIGTERM)  # what a closed terminal or systemd does
    assert cluster.process.wait(timeout=120) == 0
    assert "Traceback" not in cluster.output()
    assert wait_until(lambda: not any(alive(p) for p in pids.values()), timeout=30)
    assert port_is_free(cluster.port)
    assert not list(cluster.directory.glob("*.pid"))
