"""pywin.mfc.object: a Python object standing in for a native one.

Object(initObj) keeps the native object as `_obj_`, attaches itself to it
(so that the native side calls the Python subclass's methods: a DDE topic's
Exec, Request and Poke), and passes attribute lookups it cannot answer on
to the native object.
"""


class Object:
    """A Python object standing for a native one (`_obj_`): the native object
    calls this one's methods (a DDE topic's Exec, Request, Poke), and
    attributes this one lacks are the native object's."""

    def __init__(self, initObj=None):
        self.__dict__["_obj_"] = initObj
        if initObj is not None:
            initObj.AttachObject(self)

    def __del__(self):
        self.close()

    def __getattr__(self, attr):
        # Dunder names are never delegated: copy/pickle probes must not reach
        # the native object.
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        native = self.__dict__.get("_obj_")
        if native is None:
            raise AttributeError(attr)
        return getattr(native, attr)

    def OnAttachedObjectDeath(self):
        """Called when the native object goes: forgets it."""
        self.__dict__["_obj_"] = None

    def close(self):
        """Detaches from the native object and forgets it."""
        native = self.__dict__.get("_obj_")
        if native is not None:
            self.__dict__["_obj_"] = None
            native.AttachObject(None)


class CmdTarget(Object):
    """Pythonwin's command-target base; no commands are routed here."""
