"""pywintypes.DEVMODE: the DEVMODEW structure (printer and display settings).

Only the structure: nothing on POSIX reads or applies one (the display and
printer functions that take it raise ERROR_NOT_SUPPORTED), but code builds
and passes these around, so it behaves as pywin32's object does.
"""

_DEVMODEW_SIZE = 220  # sizeof(DEVMODEW)
_DEVICE_NAME_CHARS = 32  # CCHDEVICENAME and CCHFORMNAME

_INT_FIELDS = (
    "SpecVersion", "DriverVersion", "Fields", "Orientation", "PaperSize", "PaperLength",
    "PaperWidth", "Position_x", "Position_y", "DisplayOrientation", "DisplayFixedOutput",
    "Scale", "Copies", "DefaultSource", "PrintQuality", "Color", "Duplex", "YResolution",
    "TTOption", "Collate", "LogPixels", "BitsPerPel", "PelsWidth", "PelsHeight",
    "DisplayFlags", "DisplayFrequency", "ICMMethod", "ICMIntent", "MediaType", "DitherType",
    "Reserved1", "Reserved2", "Nup", "PanningWidth", "PanningHeight",
)
_STR_FIELDS = ("DeviceName", "FormName")


class DEVMODEWType:
    """DEVMODEW; Size and DriverExtra are fixed when it is made."""

    __slots__ = _INT_FIELDS + _STR_FIELDS + ("_driver_extra", "_driver_data")

    def __init__(self, DriverExtra=0):
        if not isinstance(DriverExtra, int) or not 0 <= DriverExtra <= 0xFFFF:
            raise ValueError("DriverExtra must be an int in 0..65535")
        object.__setattr__(self, "_driver_extra", DriverExtra)
        self.Clear()

    def Clear(self):
        """Resets every field to zero (the sizes stay)."""
        for name in _INT_FIELDS:
            object.__setattr__(self, name, 0)
        for name in _STR_FIELDS:
            object.__setattr__(self, name, "")
        object.__setattr__(self, "_driver_data", bytes(self._driver_extra))

    @property
    def Size(self):
        return _DEVMODEW_SIZE

    @property
    def DriverExtra(self):
        return self._driver_extra

    @property
    def DriverData(self):
        return self._driver_data if self._driver_extra else None

    @DriverData.setter
    def DriverData(self, value):
        value = bytes(value)
        if len(value) > self._driver_extra:
            raise ValueError("DriverData is longer than DriverExtra (%d)" % self._driver_extra)
        object.__setattr__(self, "_driver_data", value.ljust(self._driver_extra, b"\0"))

    def __setattr__(self, name, value):
        if name in _INT_FIELDS:
            if not isinstance(value, int):
                raise TypeError("DEVMODE.%s must be an int" % name)
        elif name in _STR_FIELDS:
            if not isinstance(value, str):
                raise TypeError("DEVMODE.%s must be a str" % name)
            if len(value) >= _DEVICE_NAME_CHARS:
                raise ValueError("DEVMODE.%s is limited to %d characters" % (name, _DEVICE_NAME_CHARS - 1))
        elif name not in ("DriverData",):
            raise AttributeError("DEVMODE has no attribute %r" % name)
        object.__setattr__(self, name, value)

    def __repr__(self):
        return "<PyDEVMODEW %r %dx%d>" % (self.DeviceName, self.PelsWidth, self.PelsHeight)


DEVMODEWType.__module__ = "pywintypes"
