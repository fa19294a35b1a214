// The service manager's building blocks: command lines, the wire format and
// the durable store.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <unistd.h>

#include "w32/error/win32_error.h"
#include "w32/process/command_line.h"
#include "w32/svc/protocol.h"
#include "w32/svc/service_store.h"

using namespace w32::svc;
using w32::process::quote_argument;
using w32::process::split_command_line;

TEST(ServiceCommandLine, SplitsLikeWindows) {
    using V = std::vector<std::string>;
    EXPECT_EQ(split_command_line("prog a  b"), (V{"prog", "a", "b"}));
    EXPECT_EQ(split_command_line("\"C:\\Program Files\\x.exe\" -k"), (V{"C:\\Program Files\\x.exe", "-k"}));
    EXPECT_EQ(split_command_line("p \\\\server\\share\\x"), (V{"p", "\\\\server\\share\\x"}));
    EXPECT_EQ(split_command_line("p a\\\"b"), (V{"p", "a\"b"}));
    EXPECT_EQ(split_command_line("p \"a\\\\\" b"), (V{"p", "a\\", "b"}));
    EXPECT_EQ(split_command_line("p \"\""), (V{"p", ""}));
    EXPECT_EQ(split_command_line("p \"say \"\"hi\"\"\""), (V{"p", "say \"hi\""}));
    // The program name takes no escapes: a quoted directory keeps its backslash.
    EXPECT_EQ(split_command_line("\"C:\\dir\\\" x"), (V{"C:\\dir\\", "x"}));
    EXPECT_EQ(split_command_line("p \"unterminated rest"), (V{"p", "unterminated rest"}));
    EXPECT_TRUE(split_command_line("   ").empty());
}

TEST(ServiceCommandLine, QuoteRoundTrips) {
    for (std::string arg : {"plain", "with space", "quote\"inside", "trailing\\", "dir with space\\", "",
                            "\\\\server\\share", "a\\\\\"b"}) {
        std::vector<std::string> back = split_command_line("prog " + quote_argument(arg) + " next");
        ASSERT_EQ(back.size(), 3u) << arg;
        EXPECT_EQ(back[1], arg);
    }
}

TEST(ServiceWire, ConfigAndStatusRoundTrip) {
    ServiceConfig c;
    c.name = "Name";
    c.display_name = "Display";
    c.binary_path = "/bin/true x";
    c.dependencies = {"A", "+Group"};
    c.failure_actions.actions = {{kActionRestart, 1000}, {kActionNone, 0}};
    c.failure_actions.command = "cmd";
    c.delayed_auto_start = true;
    ServiceStatus s;
    s.current_state = kPaused;
    s.process_id = 42;
    WireWriter w(Op::QueryConfig);
    w.config(c).status(s);
    WireReader r(w.bytes());
    EXPECT_EQ(r.u32(), static_cast<uint32_t>(Op::QueryConfig));
    ServiceConfig c2 = r.config();
    ServiceStatus s2 = r.status();
    EXPECT_TRUE(r.at_end());
    EXPECT_EQ(c2.name, "Name");
    EXPECT_EQ(c2.dependencies, c.dependencies);
    ASSERT_EQ(c2.failure_actions.actions.size(), 2u);
    EXPECT_EQ(c2.failure_actions.actions[0].delay_ms, 1000u);
    EXPECT_TRUE(c2.delayed_auto_start);
    EXPECT_EQ(s2.current_state, kPaused);
    EXPECT_EQ(s2.process_id, 42u);
}

TEST(ServiceWire, TruncatedOrHostilePacketsAreRefused) {
    WireWriter w;
    w.u32(5).str("hello").strs({"a", "b"});
    const std::string& bytes = w.bytes();
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
        std::string part = bytes.substr(0, cut);
        WireReader r(part);
        EXPECT_THROW({
            r.u32();
            r.str();
            r.strs();
        }, w32::Win32Error) << cut;
    }
    WireWriter huge;
    huge.u32(0xFFFFFFFF);  // a list "of four billion strings"
    WireReader r(huge.bytes());
    EXPECT_THROW(r.strs(), w32::Win32Error);
}

TEST(ServiceStore, KeepsConfigValuesAndRunningRecords) {
    char dir[] = "/tmp/w32svcstoreXXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    std::string path = std::string(dir) + "/services.db";
    {
        ServiceStore store(path);
        ServiceConfig c;
        c.name = "MixedCase";
        c.binary_path = "/bin/true";
        store.put(c);
        store.set_value("mixedcase", "PythonClass", "mod.Cls");
        RunRecord rr;
        rr.key = "mixedcase";
        rr.pid = 1234;
        rr.start_time = 99;
        rr.status.current_state = kRunning;
        store.put_running(rr);
    }
    {
        ServiceStore store(path);
        auto all = store.load_all();
        ASSERT_EQ(all.size(), 1u);
        EXPECT_EQ(all[0].name, "MixedCase");
        EXPECT_EQ(store.get_value("mixedcase", "pythonclass").value_or(""), "mod.Cls");
        auto running = store.load_running();
        ASSERT_EQ(running.size(), 1u);
        EXPECT_EQ(running[0].pid, 1234u);
        EXPECT_EQ(running[0].status.current_state, kRunning);
        store.remove("mixedcase");
        EXPECT_TRUE(store.load_all().empty());
        EXPECT_FALSE(store.get_value("mixedcase", "pythonclass").has_value());
        EXPECT_TRUE(store.load_running().empty());
    }
    std::system((std::string("rm -rf ") + dir).c_str());
}

#include "w32/svc/systemd_unit.h"

TEST(ServiceSystemdUnit, NamesAndQuoting) {
    EXPECT_EQ(unit_name("MyService"), "pywin32-myservice.service");
    EXPECT_EQ(unit_name("a b/c"), "pywin32-a\\x20b\\x2fc.service");
    EXPECT_EQ(systemd_quote("a \"b\" \\ 50% $HOME"), "\"a \\\"b\\\" \\\\ 50%% $$HOME\"");
    EXPECT_EQ(systemd_quote("X=$y 5%", false), "\"X=$y 5%%\"");
}

TEST(ServiceSystemdUnit, MapsConfiguration) {
    ServiceConfig c;
    c.name = "Web";
    c.display_name = "Web\nServer";
    c.binary_path = "\"/opt/my app/run\" --port 80";
    c.dependencies = {"Db", "+Group"};
    c.start_type = kAutoStart;
    c.failure_actions.actions = {{kActionRestart, 2500}};
    UnitOptions o;
    o.environment = {"PYWIN32_POSIX_ROOT=/r"};
    std::string unit = systemd_unit(c, o);
    EXPECT_NE(unit.find("Description=Web Server\n"), std::string::npos);
    EXPECT_NE(unit.find("ExecStart=\"/opt/my app/run\" \"--port\" \"80\"\n"), std::string::npos);
    EXPECT_NE(unit.find("Requires=pywin32-db.service\nAfter=pywin32-db.service\n"), std::string::npos);
    EXPECT_NE(unit.find("Type=notify\n"), std::string::npos);
    EXPECT_NE(unit.find("Environment=\"PYWIN32_POSIX_SERVICE=Web\"\n"), std::string::npos);
    EXPECT_NE(unit.find("Restart=on-failure\nRestartSec=2500ms\n"), std::string::npos);
    EXPECT_NE(unit.find("WantedBy=default.target\n"), std::string::npos);
    c.start_type = kDemandStart;
    o.user_manager = false;
    EXPECT_EQ(systemd_unit(c, o).find("[Install]"), std::string::npos);
}
