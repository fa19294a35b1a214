#include "w32/svc/service_control.h"

#include <unistd.h>

#include <atomic>
#include <map>

#include "w32/error/codes.h"
#include "w32/error/win32_error.h"
#include "w32/kernel/access_rights.h"
#include "w32/svc/manager_client.h"
#include "w32/svc/protocol.h"
#include "w32/svc/service_errors.h"

namespace w32::svc {

namespace {

// winsvc.h access rights (the generic and standard ones: access_rights.h).
constexpr uint32_t kDelete = kDeleteRight, kStandardRead = kStandardRightsRead;

constexpr uint32_t kScmConnect = 0x1, kScmCreateService = 0x2, kScmEnumerate = 0x4, kScmLock = 0x8,
                   kScmQueryLockStatus = 0x10, kScmModifyBootConfig = 0x20, kScmAll = 0xF003F;
constexpr uint32_t kSvcQueryConfig = 0x1, kSvcChangeConfig = 0x2, kSvcQueryStatus = 0x4,
                   kSvcEnumerateDependents = 0x8, kSvcStart = 0x10, kSvcStop = 0x20, kSvcPauseContinue = 0x40,
                   kSvcInterrogate = 0x80, kSvcUserDefinedControl = 0x100, kSvcAll = 0xF01FF;

uint32_t map_generic(uint32_t access, bool manager) {
    uint32_t mapped = access & ~(kGenericRead | kGenericWrite | kGenericExecute | kGenericAll | kMaximumAllowed);
    if (access & (kGenericAll | kMaximumAllowed)) mapped |= manager ? kScmAll : kSvcAll;
    if (access & kGenericRead)
        mapped |= kStandardRead | (manager ? (kScmEnumerate | kScmQueryLockStatus)
                                           : (kSvcQueryConfig | kSvcQueryStatus | kSvcInterrogate |
                                              kSvcEnumerateDependents));
    if (access & kGenericWrite) mapped |= manager ? (kScmCreateService | kScmModifyBootConfig) : kSvcChangeConfig;
    if (access & kGenericExecute)
        mapped |= manager ? (kScmConnect | kScmLock)
                          : (kSvcStart | kSvcStop | kSvcPauseContinue | kSvcUserDefinedControl);
    return mapped;
}

std::mutex table_mutex;
std::map<uint64_t, std::weak_ptr<ScHandle>> table;
std::atomic<uint64_t> next_value{0x5C0000};

}  // namespace

std::string ManagerConnection::call(const WireWriter& request, const char* function) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (lost_) throw_win32(err::kRpcServerUnavailable, function);
    try {
        return call_manager(fd_.get(), request, function);
    } catch (const Win32Error& e) {
        if (e.code() == err::kRpcServerUnavailable) lost_ = true;
        throw;
    }
}

ScHandle::ScHandle(Kind kind, std::shared_ptr<ManagerConnection> conn, uint32_t id, uint32_t access,
                   std::string name)
    : kind_(kind), conn_(std::move(conn)), id_(id), access_(access), name_(std::move(name)),
      value_(next_value.fetch_add(4)) {}

ScHandle::~ScHandle() {
    try {
        close();
    } catch (...) {
    }
}

void ScHandle::close() {
    if (closed_) return;
    closed_ = true;
    {
        std::lock_guard<std::mutex> lock(table_mutex);
        table.erase(value_);
    }
    if (kind_ == Kind::Service && conn_) {
        WireWriter w(Op::CloseService);
        w.u32(id_);
        try {
            conn_->call(w, "CloseServiceHandle");
        } catch (const Win32Error&) {
            // A lost manager forgot the handle already.
        }
    }
    conn_.reset();
}

const std::shared_ptr<ManagerConnection>& ScHandle::connection(const char* function) const {
    if (closed_ || !conn_) throw_win32(w32::err::kInvalidHandle, function);
    return conn_;
}

void ScHandle::require(Kind kind, uint32_t rights, const char* function) const {
    if (closed_) throw_win32(w32::err::kInvalidHandle, function);
    if (kind != kind_) throw_win32(w32::err::kInvalidHandle, function);
    if ((access_ & rights) != rights) throw_win32(w32::err::kAccessDenied, function);
}

void register_handle(const std::shared_ptr<ScHandle>& handle) {
    std::lock_guard<std::mutex> lock(table_mutex);
    table[handle->value()] = handle;
}

std::shared_ptr<ScHandle> handle_from_value(uint64_t value, const char* function) {
    std::lock_guard<std::mutex> lock(table_mutex);
    auto it = table.find(value);
    std::shared_ptr<ScHandle> h = it == table.end() ? nullptr : it->second.lock();
    if (!h) throw_win32(w32::err::kInvalidHandle, function);
    return h;
}

static bool is_local_machine(const std::string& machine) {
    std::string m = machine;
    while (!m.empty() && m[0] == '\\') m.erase(0, 1);
    if (m.empty() || m == "." || m == "localhost" || m == "127.0.0.1") return true;
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return fold_name(m) == fold_name(host);
}

std::shared_ptr<ScHandle> open_sc_manager(const std::optional<std::string>& machine,
                                          const std::optional<std::string>& database, uint32_t access) {
    const char* fn = "OpenSCManager";
    if (machine && !is_local_machine(*machine)) throw_win32(w32::err::kNotSupported, fn);
    if (database && !database->empty() && fold_name(*database) != "servicesactive")
        throw_win32(1065, fn);  // ERROR_DATABASE_DOES_NOT_EXIST
    std::shared_ptr<ManagerConnection> conn;
    // A manager leaving (idle, or shut down) may take a connection and
    // close it: a fresh one, from a manager started anew, follows.
    for (int attempt = 0;; ++attempt) {
        conn = std::make_shared<ManagerConnection>(connect_manager(fn));
        WireWriter hello(Op::ClientHello);
        hello.u32(kProtocolVersion);
        try {
            conn->call(hello, fn);
            break;
        } catch (const Win32Error& e) {
            if (e.code() != err::kRpcServerUnavailable || attempt == 5) throw;
        }
    }
    auto h = std::make_shared<ScHandle>(ScHandle::Kind::Manager, conn, 0, map_generic(access, true) | kScmConnect, "");
    register_handle(h);
    return h;
}

// A service handle from the reply to CreateService/OpenService (id, key name).
static std::shared_ptr<ScHandle> service_handle(const ScHandle& scm, const std::string& body, uint32_t access,
                                                const char* function) {
    WireReader r(body);
    uint32_t id = r.u32();
    std::string name = r.str();
    auto h = std::make_shared<ScHandle>(ScHandle::Kind::Service, scm.connection(function), id,
                                        map_generic(access, false), name);
    register_handle(h);
    return h;
}

static std::string call(const ScHandle& h, const WireWriter& w, const char* function) {
    return h.connection(function)->call(w, function);
}

std::shared_ptr<ScHandle> create_service(const ScHandle& scm, const ServiceConfig& config, uint32_t access) {
    const char* fn = "CreateService";
    scm.require(ScHandle::Kind::Manager, kScmCreateService, fn);
    WireWriter w(Op::CreateService);
    w.config(config);
    return service_handle(scm, call(scm, w, fn), access, fn);
}

std::shared_ptr<ScHandle> open_service(const ScHandle& scm, const std::string& name, uint32_t access) {
    const char* fn = "OpenService";
    scm.require(ScHandle::Kind::Manager, kScmConnect, fn);
    if (name.empty() || name.size() > 256) throw_win32(err::kInvalidServiceName, fn);
    WireWriter w(Op::OpenService);
    w.str(name);
    return service_handle(scm, call(scm, w, fn), access, fn);
}

void close_service_handle(ScHandle& handle) {
    if (handle.closed()) throw_win32(w32::err::kInvalidHandle, "CloseServiceHandle");
    handle.close();
}

void delete_service(const ScHandle& service) {
    const char* fn = "DeleteService";
    service.require(ScHandle::Kind::Service, kDelete, fn);
    WireWriter w(Op::DeleteService);
    w.u32(service.id());
    call(service, w, fn);
}

void start_service(const ScHandle& service, const std::vector<std::string>& args) {
    const char* fn = "StartService";
    service.require(ScHandle::Kind::Service, kSvcStart, fn);
    WireWriter w(Op::StartService);
    w.u32(service.id()).strs(args);
    call(service, w, fn);
}

ServiceStatus control_service(const ScHandle& service, uint32_t control) {
    const char* fn = "ControlService";
    uint32_t right = control == kControlStop ? kSvcStop
                     : (control == kControlPause || control == kControlContinue || control == kControlParamChange ||
                        (control >= 7 && control <= 10))
                         ? kSvcPauseContinue
                     : control == kControlInterrogate ? kSvcInterrogate
                     : (control >= 128 && control <= 255) ? kSvcUserDefinedControl
                                                          : 0;
    service.require(ScHandle::Kind::Service, right, fn);
    WireWriter w(Op::ControlService);
    w.u32(service.id()).u32(control);
    std::string body = call(service, w, fn);
    return WireReader(body).status();
}

ServiceStatus query_service_status(const ScHandle& service, const char* function) {
    service.require(ScHandle::Kind::Service, kSvcQueryStatus, function);
    WireWriter w(Op::QueryStatus);
    w.u32(service.id());
    std::string body = call(service, w, function);
    return WireReader(body).status();
}

ServiceConfig query_service_config(const ScHandle& service) {
    const char* fn = "QueryServiceConfig";
    service.require(ScHandle::Kind::Service, kSvcQueryConfig, fn);
    WireWriter w(Op::QueryConfig);
    w.u32(service.id());
    std::string body = call(service, w, fn);
    return WireReader(body).config();
}

void change_service_config(const ScHandle& service, const ConfigChange& change) {
    const char* fn = "ChangeServiceConfig";
    service.require(ScHandle::Kind::Service, kSvcChangeConfig, fn);
    ServiceConfig c;
    c.service_type = change.service_type;
    c.start_type = change.start_type;
    c.error_control = change.error_control;
    uint32_t present = 0;
    if (change.binary_path) c.binary_path = *change.binary_path, present |= 1;
    if (change.load_order_group) c.load_order_group = *change.load_order_group, present |= 2;
    if (change.dependencies) c.dependencies = *change.dependencies, present |= 4;
    if (change.account) c.account = *change.account, present |= 8;
    if (change.display_name) c.display_name = *change.display_name, present |= 16;
    WireWriter w(Op::ChangeConfig);
    w.u32(service.id()).config(c).u32(present);
    call(service, w, fn);
}

ServiceConfig query_service_config2(const ScHandle& service, uint32_t level) {
    const char* fn = "QueryServiceConfig2";
    if (level < kConfigDescription || level > kConfigPreshutdown) throw_win32(err::kInvalidLevel, fn);
    service.require(ScHandle::Kind::Service, kSvcQueryConfig, fn);
    WireWriter w(Op::QueryConfig);
    w.u32(service.id());
    std::string reply = call(service, w, fn);
    return WireReader(reply).config();
}

void change_service_config2(const ScHandle& service, uint32_t level, const ServiceConfig& values) {
    const char* fn = "ChangeServiceConfig2";
    // Failure actions with a restart need SERVICE_START as well (as on Windows).
    uint32_t rights = kSvcChangeConfig;
    if (level == kConfigFailureActions)
        for (const auto& a : values.failure_actions.actions)
            if (a.type == kActionRestart) rights |= kSvcStart;
    service.require(ScHandle::Kind::Service, rights, fn);
    if (level < kConfigDescription || level > kConfigPreshutdown) throw_win32(err::kInvalidLevel, fn);
    WireWriter w(Op::ChangeConfig2);
    w.u32(service.id()).u32(level).config(values);
    call(service, w, fn);
}

static std::vector<ServiceEntry> read_entries(const std::string& body) {
    WireReader r(body);
    uint32_t n = r.u32();
    std::vector<ServiceEntry> entries;
    for (uint32_t i = 0; i < n; ++i) {
        ServiceEntry e;
        e.name = r.str();
        e.display_name = r.str();
        e.status = r.status();
        entries.push_back(std::move(e));
    }
    return entries;
}

std::vector<ServiceEntry> enum_services(const ScHandle& scm, uint32_t type, uint32_t state) {
    const char* fn = "EnumServicesStatus";
    scm.require(ScHandle::Kind::Manager, kScmEnumerate, fn);
    WireWriter w(Op::EnumServices);
    w.u32(type).u32(state);
    std::string reply = call(scm, w, fn);
    return read_entries(reply);
}

std::vector<ServiceEntry> enum_dependent_services(const ScHandle& service, uint32_t state) {
    const char* fn = "EnumDependentServices";
    service.require(ScHandle::Kind::Service, kSvcEnumerateDependents, fn);
    WireWriter w(Op::EnumDependents);
    w.u32(service.id()).u32(state);
    std::string reply = call(service, w, fn);
    return read_entries(reply);
}

std::string get_service_key_name(const ScHandle& scm, const std::string& display_name) {
    const char* fn = "GetServiceKeyName";
    scm.require(ScHandle::Kind::Manager, kScmConnect, fn);
    WireWriter w(Op::GetKeyName);
    w.str(display_name);
    std::string reply = call(scm, w, fn);
    return WireReader(reply).str();
}

std::string get_service_display_name(const ScHandle& scm, const std::string& name) {
    const char* fn = "GetServiceDisplayName";
    scm.require(ScHandle::Kind::Manager, kScmConnect, fn);
    WireWriter w(Op::GetDisplayName);
    w.str(name);
    std::string reply = call(scm, w, fn);
    return WireReader(reply).str();
}

void set_service_value(const ScHandle& service, const std::string& name, const std::string& value) {
    const char* fn = "RegSetValueEx";
    service.require(ScHandle::Kind::Service, kSvcChangeConfig, fn);
    WireWriter w(Op::SetValue);
    w.u32(service.id()).str(name).str(value);
    call(service, w, fn);
}

std::optional<std::string> get_service_value(const ScHandle& service, const std::string& name) {
    const char* fn = "RegQueryValueEx";
    service.require(ScHandle::Kind::Service, kSvcQueryConfig, fn);
    WireWriter w(Op::GetValue);
    w.u32(service.id()).str(name);
    try {
        std::string reply = call(service, w, fn);
        return WireReader(reply).str();
    } catch (const Win32Error& e) {
        if (e.code() == w32::err::kFileNotFound) return std::nullopt;
        throw;
    }
}

uint32_t manager_pid() {
    auto conn = std::make_shared<ManagerConnection>(connect_manager("OpenSCManager"));
    WireWriter w(Op::ManagerInfo);
    std::string reply = conn->call(w, "OpenSCManager");
    return WireReader(reply).u32();
}

}  // namespace w32::svc
