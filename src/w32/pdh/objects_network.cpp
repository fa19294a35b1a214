// Network Interface: /proc/net/dev and /sys/class/net/<if>/speed.
#include <mutex>
#include <string>
#include <vector>

#include "w32/pdh/counter_types.h"
#include "w32/pdh/proc_reader.h"
#include "w32/pdh/system_objects.h"

namespace w32::pdh {

namespace {

using namespace perf_type;

enum NetCounter { kNtBytesTotal, kNtBytesReceived, kNtBytesSent, kNtPackets, kNtPacketsReceived, kNtPacketsSent,
                  kNtBandwidth, kNtReceivedErrors, kNtOutboundErrors, kNtReceivedDiscarded, kNtOutboundDiscarded,
                  kNtCount };

class NetworkInterfaceObject final : public PerfObject {
public:
    NetworkInterfaceObject() {
        info_.name = "Network Interface";
        info_.name_index = 510;
        info_.explain = "The Network Interface performance object consists of counters that measure the rates at "
                        "which bytes and packets are sent and received over a network connection (/proc/net/dev). "
                        "Instances are interface names.";
        info_.counters = {
            counter("Bytes Total/sec", 0, kCounterBulkCount, -4, kDetailNovice, "Rate of bytes sent and received."),
            counter("Bytes Received/sec", 0, kCounterBulkCount, -4, kDetailAdvanced, "Rate of bytes received."),
            counter("Bytes Sent/sec", 0, kCounterBulkCount, -4, kDetailAdvanced, "Rate of bytes sent."),
            counter("Packets/sec", 0, kCounterBulkCount, -1, kDetailNovice, "Rate of packets sent and received."),
            counter("Packets Received/sec", 0, kCounterBulkCount, -1, kDetailAdvanced, "Rate of packets received."),
            counter("Packets Sent/sec", 0, kCounterBulkCount, -1, kDetailAdvanced, "Rate of packets sent."),
            counter("Current Bandwidth", 0, kCounterLargeRawcount, -6, kDetailNovice,
                    "Link speed in bits per second (0 when the driver does not say)."),
            counter("Packets Received Errors", 0, kCounterRawcount, 0, kDetailAdvanced, "Receive errors."),
            counter("Packets Outbound Errors", 0, kCounterRawcount, 0, kDetailAdvanced, "Transmit errors."),
            counter("Packets Received Discarded", 0, kCounterRawcount, 0, kDetailAdvanced, "Received packets dropped."),
            counter("Packets Outbound Discarded", 0, kCounterRawcount, 0, kDetailAdvanced, "Outgoing packets dropped."),
        };
    }
    const ObjectInfo& info() const override { return info_; }

    void sample(ObjectSample& out, const std::vector<bool>& wanted, const InstanceFilter& filter) override {
        std::lock_guard lock(mutex_);
        out.time = now_100ns();
        out.instances.clear();
        if (!read_text("/proc/net/dev", buf_)) return;
        std::string_view text = buf_;
        const bool want_speed = wanted.size() > kNtBandwidth && wanted[kNtBandwidth];
        while (!text.empty()) {
            std::string_view line = next_line(text);
            size_t colon = line.find(':');
            if (colon == std::string_view::npos) continue;  // the two header lines
            std::string_view name = line.substr(0, colon);
            while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
            std::string_view rest = line.substr(colon + 1);
            int64_t f[16] = {};
            for (int64_t& x : f) x = static_cast<int64_t>(next_u64(rest));
            Instance inst;
            inst.name = std::string(name);
            inst.identity = std::hash<std::string>{}(inst.name);
            if (!filter || filter(inst)) {
                auto& v = inst.values;
                v.resize(kNtCount);
                v[kNtBytesReceived].first = f[0];
                v[kNtBytesSent].first = f[8];
                v[kNtBytesTotal].first = f[0] + f[8];
                v[kNtPacketsReceived].first = f[1];
                v[kNtPacketsSent].first = f[9];
                v[kNtPackets].first = f[1] + f[9];
                v[kNtReceivedErrors].first = f[2];
                v[kNtOutboundErrors].first = f[10];
                v[kNtReceivedDiscarded].first = f[3];
                v[kNtOutboundDiscarded].first = f[11];
                if (want_speed) v[kNtBandwidth].first = link_speed(inst.name);
            }
            out.instances.push_back(std::move(inst));
        }
    }

private:
    int64_t link_speed(const std::string& ifname) {
        std::string path = "/sys/class/net/" + ifname + "/speed";
        std::string buf;
        if (!read_text(path.c_str(), buf, 64)) return 0;
        std::string_view s = buf;
        int64_t mbps = next_i64(s);
        return mbps > 0 ? mbps * 1'000'000 : 0;
    }

    ObjectInfo info_;
    std::mutex mutex_;
    std::string buf_;
};

}  // namespace

PerfObject* network_interface_object() {
    static NetworkInterfaceObject o;
    return &o;
}

}  // namespace w32::pdh
