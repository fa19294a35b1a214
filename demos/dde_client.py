"""A DDE client written as for Pythonwin on Windows: it talks to
demos/dde_server.py, running in another process.

    python3 demos/dde_client.py [service] [--quit]   # default service: RunAny

It connects to the server's topics, executes commands, requests a computed
value, pokes a note and reads it back, keeps a hot link on the server's
LastCommand item (each command the server runs is reported to us), and with
--quit tells the server to stop.
"""
import sys
import time

import dde
import win32ui

LINK_WAIT = 30.0  # seconds to wait for the hot link's reports


def main():
    """Runs the exchange with the server; 0 when the hot link reported every command."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    service = args[0] if args else "RunAny"
    stop_server = "--quit" in sys.argv[1:]

    server = dde.CreateServer()
    server.Create("TestClient")
    conversation = dde.CreateConversation(server)

    conversation.ConnectTo(service, "RunAnyCommand")
    heard = []

    def on_last_command(item, data):
        print("hot link:", item, "is now", repr(data), flush=True)
        heard.append(data)

    conversation.Advise("LastCommand", on_last_command)
    commands = ["DoSomething", "DoSomethingElse"]
    for cmd in commands:
        conversation.Exec(cmd)
        print("executed", cmd, flush=True)
    deadline = time.monotonic() + LINK_WAIT
    while len(heard) < len(commands) and time.monotonic() < deadline:
        win32ui.PumpWaitingMessages(0, -1)  # the link's reports arrive here
        time.sleep(0.01)
    conversation.Unadvise("LastCommand")

    conversation.ConnectTo(service, "ComputeStringLength")
    s = "abcdefghi"
    print('length of "%s" is %s' % (s, conversation.Request(s)), flush=True)

    conversation.ConnectTo(service, "Notes")
    conversation.Poke("Note", "written by the client")
    print("the note reads", repr(conversation.Request("Note")), flush=True)

    conversation.ConnectTo(service, "System")
    print("the server's topics:", ", ".join(sorted(conversation.Request("Topics").split("\t"))), flush=True)

    if stop_server:
        conversation.ConnectTo(service, "RunAnyCommand")
        conversation.Exec("Quit")
        print("asked the server to quit", flush=True)
    server.Shutdown()
    if heard != commands:
        print("the hot link reported", heard, "instead of", commands, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
