// The service manager's durable state: every service's configuration, its
// named values (PythonClass, Parameters), and which services were running
// in which process, so that a restarted manager finds them again.
// One SQLite database in the session's state directory, owned by the manager.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "w32/svc/service_types.h"

namespace w32::evtlog { class Database; }

namespace w32::svc {

struct RunRecord {
    std::string key;  // folded service name
    uint32_t pid = 0;
    uint64_t start_time = 0;  // /proc/<pid>/stat field 22: tells a reused pid apart
    ServiceStatus status;
};

class ServiceStore {
public:
    explicit ServiceStore(const std::string& path);
    ~ServiceStore();

    std::vector<ServiceConfig> load_all();
    void put(const ServiceConfig& config);
    void remove(const std::string& key);

    void set_value(const std::string& key, const std::string& name, const std::string& value);
    std::optional<std::string> get_value(const std::string& key, const std::string& name);

    void put_running(const RunRecord& record);
    void clear_running(const std::string& key);
    std::vector<RunRecord> load_running();

private:
    std::unique_ptr<evtlog::Database> db_;
};

}  // namespace w32::svc
