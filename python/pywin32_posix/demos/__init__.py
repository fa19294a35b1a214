"""Sample services, as pywin32 ships in win32/Demos/service:

- pipe_service: answers clients over a named pipe;
- log_service: writes to the event log on a schedule, pauses and continues.

Each is a script: ``python -m pywin32_posix.demos.pipe_service install``,
then ``start``, ``stop``, ``remove`` (win32serviceutil's command line).
"""
