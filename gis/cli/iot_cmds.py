"""IoT command: ``liftguard iot listen`` takes alarms from an MQTT broker into intake.

::

    liftguard iot listen --broker mqtt://10.0.0.5:1883 --topic 'elevator/+/alarm' \\
        --client-id liftguard-centre-1 --db postgresql+psycopg://...

QoS 1, persistent session under ``--client-id``; each message is acknowledged after its alarm
is committed; bad messages are logged with the reason and skipped (``gis.mqtt``). Runs until
Ctrl-C / SIGTERM (or ``--duration``), then prints the counts.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from gis.cli import add_db_option


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("iot", help="IoT remote-monitoring alarms (MQTT)")
    iot = p.add_subparsers(dest="iot_command", metavar="ACTION", required=True)
    lp = iot.add_parser("listen", help="subscribe to a broker and take alarms in")
    add_db_option(lp)
    lp.add_argument("--broker", required=True, metavar="URL",
                    help="mqtt://[user:password@]host[:port] (mqtts:// for TLS)")
    lp.add_argument("--topic", action="append", required=True,
                    help="topic filter, e.g. 'elevator/+/alarm' (repeat for several)")
    lp.add_argument("--client-id", default=None,
                    help="persistent session id (default liftguard-<host name>); keep it "
                         "stable so the broker holds alarms while the listener is away")
    lp.add_argument("--operator", default=None, help="recorded as who took the alarms in "
                    "(default: iot-gateway)")
    lp.add_argument("--workstation", default=None, help="default: host name")
    lp.add_argument("--max-bytes", type=int, default=None,
                    help="largest message accepted (default 65536)")
    lp.add_argument("--duration", type=float, default=None,
                    help="stop after this many seconds (default: run until Ctrl-C)")
    lp.add_argument("--quiet", action="store_true", help="log warnings only")
    lp.set_defaults(func=cmd_listen)


def cmd_listen(args: argparse.Namespace) -> int:
    from gis.cli.incident_cmds import _centre
    from gis.incidents.intake import MAX_MESSAGE_BYTES
    from gis.mqtt import AlarmSubscriber, parse_broker_url

    logging.basicConfig(level=logging.WARNING if args.quiet else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    broker = parse_broker_url(args.broker)
    args.operator = args.operator or "iot-gateway"
    args.roads = None
    centre = _centre(args, routing=False)
    subscriber = AlarmSubscriber(centre, broker, args.topic, client_id=args.client_id,
                                 max_message_bytes=args.max_bytes or MAX_MESSAGE_BYTES)
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.duration is not None:
        threading.Timer(args.duration, stop.set).start()
    subscriber.connect()
    print(f"listening on {broker} topics {', '.join(args.topic)} as "
          f"{subscriber.client_id}; Ctrl-C to stop", file=sys.stderr, flush=True)
    try:
        stats = subscriber.run(stop)
    except KeyboardInterrupt:
        stop.set()
        subscriber.close()
        stats = subscriber.stats
    print(f"stopped: {stats}", flush=True)
    return 0
