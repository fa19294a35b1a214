// win32api's Reg* functions: argument and value conversion around the
// registry core (src/w32/registry). Values cross as Windows' bytes; the
// Python forms (str, list of str, int, bytes) are made here.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <unistd.h>

#include <cctype>
#include <optional>
#include <string>
#include <vector>

#include "buffer_args.h"
#include "dword_args.h"
#include "handle.h"
#include "modules.h"
#include "wait_args.h"
#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/paths/drive_table.h"
#include "w32/registry/reg_handles.h"

namespace nb = nanobind;
using namespace nb::literals;
namespace reg = w32::registry;

namespace bindings {

namespace {

constexpr uint32_t kInvalidData = 13;  // ERROR_INVALID_DATA

// Hive file names may be Windows paths (through the session's drive table).
std::string hive_file(const std::string& file, const char* function) { return w32::paths::to_posix(file, function); }

std::string str_or_empty(nb::handle obj, const char* what) {
    if (obj.is_none()) return {};
    if (!nb::isinstance<nb::str>(obj)) throw nb::type_error((std::string(what) + " must be a string or None").c_str());
    return nb::cast<std::string>(obj);
}

uint64_t integer_value(nb::handle obj, bool qword) {
    if (obj.is_none()) return 0;
    if (!PyLong_Check(obj.ptr())) throw nb::type_error("a REG_DWORD/REG_QWORD value must be an int");
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj.ptr(), &overflow);
    if (overflow == 0 && !(v == -1 && PyErr_Occurred())) {
        if (!qword && (v < -0x80000000LL || v > 0xFFFFFFFFLL))
            throw nb::value_error("a REG_DWORD value must fit in 32 bits");
        return qword ? uint64_t(v) : uint64_t(uint32_t(v));
    }
    PyErr_Clear();
    unsigned long long u = PyLong_AsUnsignedLongLong(obj.ptr());
    if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
        PyErr_Clear();
        throw nb::value_error("a REG_QWORD value must fit in 64 bits");
    }
    if (!qword) throw nb::value_error("a REG_DWORD value must fit in 32 bits");
    return u;
}

// RegSetValueEx's conversion of a Python value for `type`.
reg::RegValue value_from_py(uint32_t type, nb::handle obj, const char* function) {
    reg::RegValue v;
    v.type = type;
    switch (type) {
    case reg::kRegSz:
    case reg::kRegExpandSz: v.data = reg::encode_string(str_or_empty(obj, "a REG_SZ value"), function); break;
    case reg::kRegMultiSz: {
        std::vector<std::string> items;
        if (!obj.is_none()) {
            if (nb::isinstance<nb::str>(obj) || !(PyList_Check(obj.ptr()) || PyTuple_Check(obj.ptr())))
                throw nb::type_error("a REG_MULTI_SZ value must be a list of strings");
            for (nb::handle item : obj) {
                if (!nb::isinstance<nb::str>(item))
                    throw nb::type_error("a REG_MULTI_SZ value must be a list of strings");
                std::string s = nb::cast<std::string>(item);
                // An empty string would end the list early: Windows rejects it.
                if (s.empty()) w32::throw_win32(w32::err::kInvalidParameter, function);
                items.push_back(std::move(s));
            }
        }
        v.data = reg::encode_multi_string(items, function);
        break;
    }
    case reg::kRegDword: v.data = reg::encode_dword(uint32_t(integer_value(obj, false))); break;
    case reg::kRegDwordBigEndian: v.data = reg::encode_dword(uint32_t(integer_value(obj, false)), true); break;
    case reg::kRegQword: v.data = reg::encode_qword(integer_value(obj, true)); break;
    default: {
        if (obj.is_none()) break;
        if (nb::isinstance<nb::str>(obj)) throw nb::type_error("a binary registry value must be bytes-like, not str");
        BufferArg buf(obj, false, "value");
        auto bytes = buf.bytes();
        v.data.assign(reinterpret_cast<const uint8_t*>(bytes.data()),
                      reinterpret_cast<const uint8_t*>(bytes.data()) + bytes.size());
    }
    }
    return v;
}

nb::object value_to_py(const reg::RegValue& v) {
    switch (v.type) {
    case reg::kRegSz:
    case reg::kRegExpandSz: return nb::str(reg::decode_string(v.data).c_str());
    case reg::kRegMultiSz: {
        nb::list out;
        for (const auto& s : reg::decode_multi_string(v.data)) out.append(nb::str(s.c_str(), s.size()));
        return out;
    }
    case reg::kRegDword: return nb::int_(reg::decode_dword(v.data));
    case reg::kRegDwordBigEndian: return nb::int_(reg::decode_dword(v.data, true));
    case reg::kRegQword: return nb::steal(PyLong_FromUnsignedLongLong(reg::decode_qword(v.data)));
    default:
        if (v.data.empty()) return nb::none();
        return nb::bytes(reinterpret_cast<const char*>(v.data.data()), v.data.size());
    }
}

nb::str py_str(const std::string& s) { return nb::str(s.c_str(), s.size()); }

std::string name_arg(nb::handle obj, const char* what) { return str_or_empty(obj, what); }

reg::KeyPtr key_of(HandleArg h, const char* function) {
    nb::gil_scoped_release release;
    return reg::key_from_handle(h.value, function);
}

PyHKey new_key_handle(reg::KeyPtr key) { return PyHKey(reg::insert_key(std::move(key))); }

PyHKey open_key(HandleArg key, nb::handle subkey, long long reserved, std::optional<long long> sam,
                const char* function) {
    // pywin32 takes (key, subKey, reserved=0, sam=KEY_READ); callers who
    // follow the stubs' order pass the access mask third.
    uint32_t access = reg::kKeyRead;
    if (sam) access = dword_arg(*sam, "sam");
    else if (reserved > 0x8) access = dword_arg(reserved, "sam");
    std::string sub = name_arg(subkey, "subKey");
    auto parent = key_of(key, function);
    reg::KeyPtr opened;
    {
        nb::gil_scoped_release release;
        opened = reg::open_key(*parent, sub, access, function);
    }
    return new_key_handle(std::move(opened));
}

nb::tuple create_key_ex(HandleArg key, nb::handle subkey, long long sam, nb::handle class_name,
                        long long options, nb::handle /*sa*/, nb::handle transaction) {
    const char* fn = "RegCreateKeyEx";
    if (!transaction.is_none()) w32::throw_win32(w32::err::kNotSupported, fn);
    std::string sub = name_arg(subkey, "SubKey");
    std::string cls = str_or_empty(class_name, "Class");
    uint32_t access = dword_arg(sam, "samDesired"), opts = dword_arg(options, "Options");
    auto parent = key_of(key, fn);
    reg::CreatedKey created;
    {
        nb::gil_scoped_release release;
        created = reg::create_key(*parent, sub, cls, opts, access, fn);
    }
    return nb::make_tuple(new_key_handle(std::move(created.key)), created.disposition);
}

PyHKey create_key(HandleArg key, nb::handle subkey) {
    const char* fn = "RegCreateKey";
    std::string sub = name_arg(subkey, "subKey");
    auto parent = key_of(key, fn);
    reg::CreatedKey created;
    {
        nb::gil_scoped_release release;
        created = reg::create_key(*parent, sub, "", 0, reg::kKeyAllAccess, fn);
    }
    return new_key_handle(std::move(created.key));
}

nb::tuple query_value_ex(HandleArg key, nb::handle name) {
    const char* fn = "RegQueryValueEx";
    std::string value_name = name_arg(name, "valueName");
    auto k = key_of(key, fn);
    reg::RegValue v;
    {
        nb::gil_scoped_release release;
        v = reg::get_value(*k, value_name, fn);
    }
    return nb::make_tuple(value_to_py(v), v.type);
}

nb::str query_value(HandleArg key, nb::handle subkey) {
    const char* fn = "RegQueryValue";
    std::string sub = name_arg(subkey, "subKey");
    auto k = key_of(key, fn);
    std::optional<reg::RegValue> v;
    {
        nb::gil_scoped_release release;
        auto target = sub.empty() ? k : reg::open_key(*k, sub, reg::kKeyQueryValue, fn);
        v = reg::query_value(*target, "", fn);
    }
    if (!v) return nb::str("");
    if (v->type != reg::kRegSz && v->type != reg::kRegExpandSz) w32::throw_win32(kInvalidData, fn);
    return py_str(reg::decode_string(v->data));
}

void set_value_ex(HandleArg key, nb::handle name, nb::handle /*reserved*/, long long type, nb::handle value) {
    const char* fn = "RegSetValueEx";
    std::string value_name = name_arg(name, "valueName");
    auto v = value_from_py(dword_arg(type, "type"), value, fn);
    auto k = key_of(key, fn);
    nb::gil_scoped_release release;
    reg::set_value(*k, value_name, v, fn);
}

void set_value(HandleArg key, nb::handle subkey, long long type, nb::handle value) {
    const char* fn = "RegSetValue";
    if (dword_arg(type, "type") != reg::kRegSz) w32::throw_win32(w32::err::kInvalidParameter, fn);
    std::string sub = name_arg(subkey, "subKey");
    auto v = value_from_py(reg::kRegSz, value, fn);
    auto k = key_of(key, fn);
    nb::gil_scoped_release release;
    auto target = sub.empty() ? k : reg::create_key(*k, sub, "", 0, reg::kKeySetValue, fn).key;
    reg::set_value(*target, "", v, fn);
}

nb::str enum_key(HandleArg key, long long index) {
    const char* fn = "RegEnumKey";
    auto k = key_of(key, fn);
    if (index < 0 || index > 0xFFFFFFFFLL) w32::throw_win32(reg::kErrorNoMoreItems, fn);
    reg::KeyRow row;
    {
        nb::gil_scoped_release release;
        row = reg::subkey_at(*k, uint32_t(index), fn);
    }
    return py_str(row.name);
}

// (name, reserved, class, last write as a FILETIME count); win32api.py
// makes the time a pywintypes.Time.
nb::list enum_key_ex(HandleArg key) {
    const char* fn = "RegEnumKeyEx";
    auto k = key_of(key, fn);
    std::vector<reg::KeyRow> rows;
    {
        nb::gil_scoped_release release;
        rows = reg::subkeys(*k, fn);
    }
    nb::list out;
    for (const auto& r : rows) out.append(nb::make_tuple(py_str(r.name), 0, py_str(r.class_name), r.last_write));
    return out;
}

nb::tuple enum_value(HandleArg key, long long index) {
    const char* fn = "RegEnumValue";
    auto k = key_of(key, fn);
    if (index < 0 || index > 0xFFFFFFFFLL) w32::throw_win32(reg::kErrorNoMoreItems, fn);
    reg::NamedValue nv;
    {
        nb::gil_scoped_release release;
        nv = reg::value_at(*k, uint32_t(index), fn);
    }
    return nb::make_tuple(py_str(nv.name), value_to_py(nv.value), nv.value.type);
}

nb::tuple query_info_key(HandleArg key) {
    const char* fn = "RegQueryInfoKey";
    auto k = key_of(key, fn);
    reg::KeyStats s;
    {
        nb::gil_scoped_release release;
        s = reg::query_info(*k, fn);
    }
    return nb::make_tuple(s.subkeys, s.values, s.last_write);
}

nb::dict query_info_key_w(HandleArg key) {
    const char* fn = "RegQueryInfoKeyW";
    auto k = key_of(key, fn);
    reg::KeyStats s;
    {
        nb::gil_scoped_release release;
        s = reg::query_info(*k, fn);
    }
    nb::dict d;
    d["Class"] = py_str(s.class_name);
    d["SubKeys"] = s.subkeys;
    d["MaxSubKeyLen"] = s.max_subkey_len;
    d["MaxClassLen"] = s.max_class_len;
    d["Values"] = s.values;
    d["MaxValueNameLen"] = s.max_value_name_len;
    d["MaxValueLen"] = s.max_value_len;
    d["SecurityDescriptor"] = 0;
    d["LastWriteTime"] = s.last_write;
    return d;
}

template <class Fn>
void with_key(HandleArg key, const char* fn, Fn&& body) {
    auto k = key_of(key, fn);
    nb::gil_scoped_release release;
    body(*k);
}

void notify_change(HandleArg key, int subtree, long long filter, HandleArg event, int asynchronous) {
    const char* fn = "RegNotifyChangeKeyValue";
    uint32_t f = dword_arg(filter, "dwNotifyFilter");
    if (asynchronous) {
        nb::gil_scoped_release release;
        reg::notify_change_handle(key.value, subtree != 0, f, event.value, true, {}, fn);
        return;
    }
    blocking_wait(0xFFFFFFFFu, [&](const w32::sync::InterruptCheck& check) {
        reg::notify_change_handle(key.value, subtree != 0, f, event.value, false, check, fn);
        return 0;
    });
}

PyHKey connect_registry(nb::handle computer, long long hkey) {
    const char* fn = "RegConnectRegistry";
    std::string name = str_or_empty(computer, "computerName");
    while (!name.empty() && name.front() == '\\') name.erase(0, 1);
    if (!name.empty()) {
        char host[256] = {0};
        ::gethostname(host, sizeof host - 1);
        std::string local(host), want(name);
        for (auto& c : local) c = char(std::toupper(static_cast<unsigned char>(c)));
        for (auto& c : want) c = char(std::toupper(static_cast<unsigned char>(c)));
        if (want != local && want != local.substr(0, local.find('.')) && want != "LOCALHOST" && want != ".")
            w32::throw_win32(53, fn);  // ERROR_BAD_NETPATH: no remote registry service
    }
    uint32_t which = uint32_t(hkey);
    if (which != reg::kHkeyLocalMachine && which != reg::kHkeyUsers && which != reg::kHkeyCurrentUser &&
        which != reg::kHkeyClassesRoot && which != reg::kHkeyCurrentConfig)
        w32::throw_win32(w32::err::kInvalidHandle, fn);
    auto root = key_of(HandleArg{uint64_t(int64_t(int32_t(which)))}, fn);
    auto copy = std::make_shared<reg::Key>();
    copy->primary = root->primary;
    copy->machine_classes = root->machine_classes;
    copy->classes_path = root->classes_path;
    copy->root = root->root;
    return new_key_handle(std::move(copy));
}

void not_supported(const char* fn) { w32::throw_win32(w32::err::kNotSupported, fn); }

}  // namespace

void bind_win32api_registry(nb::module_ m) {
    m.def("RegOpenKey",
          [](HandleArg key, nb::handle sub, long long reserved, std::optional<long long> sam) {
              return open_key(key, sub, reserved, sam, "RegOpenKey");
          },
          "key"_a, "subkey"_a.none(), "reserved"_a = 0, "sam"_a.none() = nb::none(),
          "Opens a registry key (KEY_READ unless sam says otherwise).");
    m.def("RegOpenKeyEx",
          [](HandleArg key, nb::handle sub, long long reserved, std::optional<long long> sam) {
              return open_key(key, sub, reserved, sam, "RegOpenKeyEx");
          },
          "key"_a, "subKey"_a.none(), "reserved"_a = 0, "sam"_a.none() = nb::none(),
          "Opens a registry key: (key, subKey, reserved=0, sam=KEY_READ) as pywin32; a third "
          "argument that is an access mask is taken as sam.");
    m.def("RegCreateKey", &create_key, "key"_a, "subKey"_a.none(),
          "Opens a key, creating it and any missing parents.");
    m.def("RegCreateKeyEx", &create_key_ex, "Key"_a, "SubKey"_a.none(), "samDesired"_a,
          "Class"_a.none() = nb::none(), "Options"_a = 0, "SecurityAttributes"_a.none() = nb::none(),
          "Transaction"_a.none() = nb::none(),
          "Creates or opens a key: returns (PyHKEY, REG_CREATED_NEW_KEY or REG_OPENED_EXISTING_KEY).");
    // A PyHKEY is closed through its Close() (so that it does not close the
    // value again later, when the number may name another handle).
    m.def("RegCloseKey",
          [](PyHKey& key) {
              if (reg::is_predefined(key.value)) return;
              if (key.value == 0) w32::throw_win32(w32::err::kInvalidHandle, "RegCloseKey");
              w32::HandleTable::instance().get<reg::Key>(key.value, w32::ObjectType::RegistryKey, "RegCloseKey");
              key.close();
          },
          "key"_a, "Closes a key handle; predefined keys are left open.");
    m.def("RegCloseKey", [](HandleArg key) { reg::close_key(key.value, "RegCloseKey"); }, "key"_a.none());
    m.def("RegQueryValueEx", &query_value_ex, "key"_a, "valueName"_a.none(),
          "Returns (value, type) of a named value (None or '' is the default value).");
    m.def("RegQueryValue", &query_value, "key"_a, "subKey"_a.none(),
          "Returns the default (unnamed) string value of a key or of its subkey.");
    m.def("RegSetValueEx", &set_value_ex, "key"_a, "valueName"_a.none(), "reserved"_a.none(), "type"_a,
          "value"_a.none(), "Stores a value of the given REG_* type.");
    m.def("RegSetValue", &set_value, "key"_a, "subKey"_a.none(), "type"_a, "value"_a.none(),
          "Sets the default value of a key or subkey (created when missing); type must be REG_SZ.");
    m.def("RegEnumKey", &enum_key, "key"_a, "index"_a,
          "The name of the index'th subkey; ERROR_NO_MORE_ITEMS past the end.");
    m.def("_RegEnumKeyEx", &enum_key_ex, "Key"_a);
    m.def("RegEnumValue", &enum_value, "key"_a, "index"_a,
          "(name, data, type) of the index'th value; ERROR_NO_MORE_ITEMS past the end.");
    m.def("RegDeleteKey",
          [](HandleArg key, nb::handle sub) {
              std::string s = name_arg(sub, "subKey");
              with_key(key, "RegDeleteKey", [&](reg::Key& k) { reg::delete_key(k, s, "RegDeleteKey"); });
          },
          "key"_a, "subKey"_a.none(), "Deletes a key that has no subkeys.");
    m.def("RegDeleteKeyEx",
          [](HandleArg key, nb::handle sub, long long /*sam*/, nb::handle transaction) {
              if (!transaction.is_none()) not_supported("RegDeleteKeyEx");
              std::string s = name_arg(sub, "SubKey");
              with_key(key, "RegDeleteKeyEx", [&](reg::Key& k) { reg::delete_key(k, s, "RegDeleteKeyEx"); });
          },
          "Key"_a, "SubKey"_a.none(), "samDesired"_a = 0, "Transaction"_a.none() = nb::none(),
          "Deletes a key that has no subkeys (there is one registry view).");
    m.def("RegDeleteTree",
          [](HandleArg key, nb::handle sub) {
              std::optional<std::string> s;
              if (!sub.is_none()) s = name_arg(sub, "SubKey");
              with_key(key, "RegDeleteTree", [&](reg::Key& k) {
                  reg::delete_tree(k, s ? std::optional<std::string_view>(*s) : std::nullopt, "RegDeleteTree");
              });
          },
          "Key"_a, "SubKey"_a.none() = nb::none(),
          "Deletes a subkey and everything below it; with no subkey, empties the key.");
    m.def("RegDeleteValue",
          [](HandleArg key, nb::handle name) {
              std::string s = name_arg(name, "value");
              with_key(key, "RegDeleteValue", [&](reg::Key& k) { reg::delete_value(k, s, "RegDeleteValue"); });
          },
          "key"_a, "value"_a.none(), "Deletes a named value.");
    m.def("RegQueryInfoKey", &query_info_key, "key"_a,
          "(number of subkeys, number of values, last write time as a FILETIME count).");
    m.def("_RegQueryInfoKeyW", &query_info_key_w, "Key"_a);
    m.def("RegFlushKey",
          [](HandleArg key) { with_key(key, "RegFlushKey", [](reg::Key& k) { reg::flush_key(k, "RegFlushKey"); }); },
          "key"_a, "Writes the key's hive through to disk.");
    m.def("RegNotifyChangeKeyValue", &notify_change, "key"_a, "bWatchSubTree"_a, "dwNotifyFilter"_a,
          "hKey"_a.none(), "fAsynchronous"_a,
          "Signals the event (asynchronous) or returns (synchronous) at the next change of the key, "
          "made by any process.");
    m.def("RegSaveKey",
          [](HandleArg key, std::string file, nb::handle /*sa*/) {
              with_key(key, "RegSaveKey", [&](reg::Key& k) { reg::save_key(k, hive_file(file, "RegSaveKey"), "RegSaveKey"); });
          },
          "key"_a, "filename"_a, "sa"_a.none() = nb::none(),
          "Saves the key and its subtree to a new hive file (a SQLite database; see docs/registry.md).");
    m.def("RegSaveKeyEx",
          [](HandleArg key, std::string file, nb::handle /*sa*/, long long /*flags*/) {
              with_key(key, "RegSaveKeyEx", [&](reg::Key& k) { reg::save_key(k, hive_file(file, "RegSaveKeyEx"), "RegSaveKeyEx"); });
          },
          "Key"_a, "File"_a, "SecurityAttributes"_a.none() = nb::none(), "Flags"_a = 1,
          "Same as RegSaveKey (every format flag writes the one hive format).");
    m.def("RegRestoreKey",
          [](HandleArg key, std::string file, long long /*flags*/) {
              with_key(key, "RegRestoreKey", [&](reg::Key& k) { reg::restore_key(k, hive_file(file, "RegRestoreKey"), "RegRestoreKey"); });
          },
          "Key"_a, "File"_a, "Flags"_a = 0, "Replaces the key's values and subkeys by a saved hive's.");
    m.def("RegLoadKey",
          [](HandleArg key, std::string sub, std::string file) {
              with_key(key, "RegLoadKey", [&](reg::Key& k) { reg::load_key(k, sub, hive_file(file, "RegLoadKey"), "RegLoadKey"); });
          },
          "key"_a, "subKey"_a, "filename"_a,
          "Mounts a saved hive as a subkey of HKEY_LOCAL_MACHINE or HKEY_USERS.");
    m.def("RegUnLoadKey",
          [](HandleArg key, std::string sub) {
              with_key(key, "RegUnLoadKey", [&](reg::Key& k) { reg::unload_key(k, sub, "RegUnLoadKey"); });
          },
          "key"_a, "subKey"_a, "Unmounts a hive loaded with RegLoadKey.");
    m.def("RegCopyTree",
          [](HandleArg src, nb::handle sub, HandleArg dest) {
              std::string s = name_arg(sub, "SubKey");
              auto from = key_of(src, "RegCopyTree");
              auto to = key_of(dest, "RegCopyTree");
              nb::gil_scoped_release release;
              reg::copy_tree(*from, s, *to, "RegCopyTree");
          },
          "KeySrc"_a, "SubKey"_a.none(), "KeyDest"_a, "Copies a subtree's values and subkeys into another key.");
    m.def("RegConnectRegistry", &connect_registry, "computerName"_a.none(), "key"_a,
          "A predefined key of this computer (None or the local name); other computers are "
          "ERROR_BAD_NETPATH.");
    m.def("RegOpenCurrentUser",
          [](long long sam) {
              auto root = key_of(HandleArg{uint64_t(int64_t(int32_t(reg::kHkeyCurrentUser)))}, "RegOpenCurrentUser");
              reg::KeyPtr key;
              {
                  nb::gil_scoped_release release;
                  key = reg::open_key(*root, "", dword_arg(sam, "samDesired"), "RegOpenCurrentUser");
              }
              return new_key_handle(std::move(key));
          },
          "samDesired"_a = reg::kKeyAllAccess, "A handle to HKEY_CURRENT_USER's root.");
    m.def("RegOverridePredefKey", [](nb::handle, nb::handle) { not_supported("RegOverridePredefKey"); },
          "Key"_a.none(), "NewKey"_a.none(),
          "Maps a predefined key onto another key for this process.\n\n"
          "On POSIX: not supported (the predefined keys are the store's hives, which cannot be redirected).");
    m.def("RegOpenKeyTransacted",
          [](nb::handle, nb::handle, nb::handle, nb::handle, nb::handle) { not_supported("RegOpenKeyTransacted"); },
          "Key"_a.none(), "SubKey"_a.none(), "samDesired"_a.none(), "Transaction"_a.none(),
          "Options"_a.none() = nb::none(), "Opens a key inside a kernel transaction.\n\nOn POSIX: not supported (there are no kernel transactions).");
    m.def("RegGetKeySecurity", [](nb::handle, nb::handle) { not_supported("RegGetKeySecurity"); },
          "key"_a.none(), "security_info"_a.none(),
          "Returns a key's security descriptor.\n\nOn POSIX: not supported (keys carry no security descriptor).");
    m.def("RegSetKeySecurity", [](nb::handle, nb::handle, nb::handle) { not_supported("RegSetKeySecurity"); },
          "key"_a.none(), "security_info"_a.none(), "sd"_a.none(),
          "Sets a key's security descriptor.\n\nOn POSIX: not supported (keys carry no security descriptor).");
}

W32_REGISTER_SUBMODULE("win32api", bind_win32api_registry);

}  // namespace bindings
