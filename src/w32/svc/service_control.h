// The service control API of a client (win32service): SC handles for the
// manager and for services, each request a round trip to the manager.
// Access rights are checked here, per handle, as Windows checks them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "w32/io/unique_fd.h"
#include "w32/svc/service_types.h"

namespace w32::svc {

// One connection to the manager, shared by an SCM handle and the service
// handles opened through it (they stay valid when the SCM handle closes).
class ManagerConnection {
public:
    explicit ManagerConnection(io::UniqueFd fd) : fd_(std::move(fd)) {}
    // One request at a time per connection: replies come in order.
    std::string call(const class WireWriter& request, const char* function);

private:
    std::mutex mutex_;
    io::UniqueFd fd_;
    bool lost_ = false;
};

class ScHandle {
public:
    enum class Kind { Manager, Service };
    ScHandle(Kind kind, std::shared_ptr<ManagerConnection> conn, uint32_t id, uint32_t access, std::string name);
    ~ScHandle();

    Kind kind() const noexcept { return kind_; }
    uint32_t access() const noexcept { return access_; }
    const std::string& name() const noexcept { return name_; }
    // The value int(handle) gives, and the key of handle_from_value().
    uint64_t value() const noexcept { return value_; }
    bool closed() const noexcept { return closed_; }
    void close();

    // For the functions below.
    const std::shared_ptr<ManagerConnection>& connection(const char* function) const;
    uint32_t id() const noexcept { return id_; }
    void require(Kind kind, uint32_t rights, const char* function) const;

private:
    Kind kind_;
    std::shared_ptr<ManagerConnection> conn_;
    uint32_t id_;
    uint32_t access_;
    std::string name_;
    uint64_t value_;
    bool closed_ = false;
};

// An integer handle value back to its live handle (EnumServicesStatus takes
// either); an unknown value is ERROR_INVALID_HANDLE.
std::shared_ptr<ScHandle> handle_from_value(uint64_t value, const char* function);
void register_handle(const std::shared_ptr<ScHandle>& handle);

std::shared_ptr<ScHandle> open_sc_manager(const std::optional<std::string>& machine,
                                          const std::optional<std::string>& database, uint32_t access);
std::shared_ptr<ScHandle> create_service(const ScHandle& scm, const ServiceConfig& config, uint32_t access);
std::shared_ptr<ScHandle> open_service(const ScHandle& scm, const std::string& name, uint32_t access);
void close_service_handle(ScHandle& handle);
void delete_service(const ScHandle& service);
void start_service(const ScHandle& service, const std::vector<std::string>& args);
ServiceStatus control_service(const ScHandle& service, uint32_t control);
ServiceStatus query_service_status(const ScHandle& service, const char* function);
ServiceConfig query_service_config(const ScHandle& service);

// ChangeServiceConfig: kNoChange for numbers, nullopt for strings mean "keep".
struct ConfigChange {
    uint32_t service_type = kNoChange, start_type = kNoChange, error_control = kNoChange;
    std::optional<std::string> binary_path, load_order_group, account, display_name;
    std::optional<std::vector<std::string>> dependencies;
};
void change_service_config(const ScHandle& service, const ConfigChange& change);
ServiceConfig query_service_config2(const ScHandle& service, uint32_t level);
void change_service_config2(const ScHandle& service, uint32_t level, const ServiceConfig& values);

std::vector<ServiceEntry> enum_services(const ScHandle& scm, uint32_t type, uint32_t state);
std::vector<ServiceEntry> enum_dependent_services(const ScHandle& service, uint32_t state);
std::string get_service_key_name(const ScHandle& scm, const std::string& display_name);
std::string get_service_display_name(const ScHandle& scm, const std::string& name);

// Named values of a service (PythonClass, Parameters\<option>), kept with it.
void set_service_value(const ScHandle& service, const std::string& name, const std::string& value);
std::optional<std::string> get_service_value(const ScHandle& service, const std::string& name);

// The manager's pid (it is started when none runs).
uint32_t manager_pid();

}  // namespace w32::svc
