"""A DDE server written as for Pythonwin on Windows: topics are
pywin.mfc.object.Object subclasses, requests are served while the main
thread pumps messages with win32ui.PumpWaitingMessages.

    python3 demos/dde_server.py [service]      # default service: RunAny

Then, from another process, `python3 demos/dde_client.py [service]`.
Topics:
  System               the server's System topic (Topics, SysItems, Formats)
  RunAnyCommand        Exec(cmd) prints cmd; its item LastCommand holds the
                       last one, so a client with a hot link on it hears each
                       command; Exec("Quit") stops the server
  ComputeStringLength  Request(s) answers len(s)
  Notes                Poke("Note", text) keeps a note; Request("Note")
                       answers it from the topic's string item
"""
import sys
import time

import dde
import win32ui
from pywin.mfc import object


class MySystemTopic(object.Object):
    """The server's System topic; executes nothing, prints what it is asked."""

    def __init__(self):
        object.Object.__init__(self, dde.CreateServerSystemTopic())

    def Exec(self, cmd):
        print("System topic asked to exec", cmd, flush=True)


class RunAnyCommandTopic(object.Object):
    """Runs (prints) commands and publishes the last one in its LastCommand item."""

    def __init__(self):
        topic = dde.CreateTopic("RunAnyCommand")
        self.last_command = dde.CreateStringItem("LastCommand")
        topic.AddItem(self.last_command)
        object.Object.__init__(self, topic)
        self.quit = False

    def Exec(self, cmd):
        print("RunAnyCommand asked to exec", cmd, flush=True)
        self.last_command.SetData(cmd)  # clients linked to LastCommand hear it
        if cmd == "Quit":
            self.quit = True


class ComputeStringLengthTopic(object.Object):
    """Answers a request for any item with the item name's length."""

    def __init__(self):
        topic = dde.CreateTopic("ComputeStringLength")
        topic.AddItem(dde.CreateStringItem(""))  # any item name is a request
        object.Object.__init__(self, topic)

    def Request(self, aString):
        print("ComputeStringLength asked for the length of", repr(aString), flush=True)
        return str(len(aString))


class NotesTopic(object.Object):
    """Keeps one note, set by Poke and read back by Request."""

    def __init__(self):
        topic = dde.CreateTopic("Notes")
        self.note = dde.CreateStringItem("Note")
        self.note.SetData("(empty)")
        topic.AddItem(self.note)
        object.Object.__init__(self, topic)
        self.text = "(empty)"

    def Poke(self, item, data):
        # No Request method: requests are answered from the string item.
        print("Notes poked:", item, "=", repr(data), flush=True)
        if item.lower() == "note":
            self.text = data
            self.note.SetData(data)


def main():
    """Serves the topics until a client executes Quit; returns the exit code."""
    service = sys.argv[1] if len(sys.argv) > 1 else "RunAny"
    notes = NotesTopic()
    run_any = RunAnyCommandTopic()

    server = dde.CreateServer()
    server.AddTopic(MySystemTopic())
    server.AddTopic(run_any)
    server.AddTopic(ComputeStringLengthTopic())
    server.AddTopic(notes)
    server.Create(service)
    print("serving", service, flush=True)
    try:
        while not run_any.quit:
            win32ui.PumpWaitingMessages(0, -1)
            time.sleep(0.01)
    finally:
        server.Shutdown()
        server.Destroy()
    print("server done; the note was", repr(notes.text), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
