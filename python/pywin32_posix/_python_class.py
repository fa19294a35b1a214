"""A service's Python class string (win32serviceutil.GetServiceClassString)
and loading the class it names, as pythonservice.exe does on Windows.

The string is "<module path without extension>.<ClassName>": the module's
folder goes on sys.path and the module is imported by its file name, so a
script installed from anywhere is found again by the service process.
"""
import importlib
import os
import sys


def class_string(cls, argv=None):
    module = sys.modules.get(cls.__module__)
    path = getattr(module, "__file__", None)
    if not path:
        return "%s.%s" % (cls.__module__, cls.__qualname__)
    return "%s.%s" % (os.path.splitext(os.path.abspath(path))[0], cls.__qualname__)


def load_class(class_string):
    module_part, _, class_name = class_string.rpartition(".")
    if not module_part or not class_name:
        raise ValueError("not a service class string: %r" % (class_string,))
    folder, module_name = os.path.split(module_part)
    if folder:
        if folder not in sys.path:
            sys.path.insert(0, folder)
    module = importlib.import_module(module_name)
    obj = module
    for part in class_name.split("."):
        obj = getattr(obj, part)
    return obj


def load_for_service(service_name):
    import win32service
    scm = win32service.OpenSCManager(None, None, win32service.SC_MANAGER_CONNECT)
    try:
        svc = win32service.OpenService(scm, service_name, win32service.SERVICE_QUERY_CONFIG)
        try:
            value = win32service._GetServiceValue(svc, "PythonClass")
        finally:
            win32service.CloseServiceHandle(svc)
    finally:
        win32service.CloseServiceHandle(scm)
    if value is None:
        raise LookupError("service %r has no PythonClass" % (service_name,))
    return load_class(value)
