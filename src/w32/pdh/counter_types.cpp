#include "w32/pdh/counter_types.h"

#include <cmath>

#include "w32/pdh/pdh_status.h"

namespace w32::pdh {

namespace {

constexpr uint32_t kDisplayMask = 0xF0000000;
constexpr uint32_t kDisplayPercent = 0x20000000;  // PERF_DISPLAY_PERCENT

CalculatedValue invalid() { return {status::kInvalidCStatusData, 0.0}; }

CalculatedValue ratio(double numerator, double denominator, double factor) {
    if (denominator < 0) return {status::kCalcNegativeDenominator, 0.0};
    if (denominator == 0) return {status::kValidData, 0.0};
    return {status::kValidData, factor * numerator / denominator};
}

CalculatedValue raw_value(uint32_t type, const RawSample& n, const RawSample* p) {
    using namespace perf_type;
    switch (type) {
        case kCounterRawcount:
        case kCounterLargeRawcount:
        case kCounterRawcountHex:
        case kCounterLargeRawcountHex:
            return {status::kValidData, static_cast<double>(n.first)};
        case kRawFraction:
        case kLargeRawFraction:
            return ratio(static_cast<double>(n.first), static_cast<double>(n.second), 100.0);
        case kElapsedTime:
            // first: the start, time: now; both 100 ns since the same epoch.
            return {status::kValidData, static_cast<double>(n.time - n.first) / kTimeFrequency};
        default: break;
    }
    if (!p || !status::is_success(p->status)) return invalid();
    double dn = static_cast<double>(n.first - p->first);
    double dt = static_cast<double>(n.time - p->time);
    double db = static_cast<double>(n.second - p->second);
    if (dt < 0) return {status::kCalcNegativeTimebase, 0.0};
    switch (type) {
        case kCounterCounter:
        case kCounterBulkCount:
            if (dn < 0) return {status::kCalcNegativeValue, 0.0};
            return ratio(dn, dt, static_cast<double>(kTimeFrequency));
        case kCounterDelta:
        case kCounterLargeDelta:
            return {status::kValidData, dn};
        case kCounterTimer:
        case k100nsecTimer:
            return ratio(dn, dt, 100.0);
        case kCounterTimerInv:
        case k100nsecTimerInv: {
            if (dt == 0) return {status::kValidData, 0.0};
            double v = 100.0 * (1.0 - dn / dt);
            return {status::kValidData, v < 0 ? 0.0 : v};
        }
        case kPrecision100nsTimer:
        case kSampleFraction:
            return ratio(dn, db, 100.0);
        case kAverageTimer:
            return ratio(dn / kTimeFrequency, db, 1.0);
        case kAverageBulk:
            return ratio(dn, db, 1.0);
        case kCounterQueuelen:
        case kCounterLargeQueuelen:
        case kCounter100nsQueuelen:
            return ratio(dn, dt, 1.0);
        default:
            return {status::kFunctionNotFound, 0.0};
    }
}

}  // namespace

bool needs_two_samples(uint32_t t) noexcept {
    using namespace perf_type;
    switch (t) {
        case kCounterRawcount:
        case kCounterLargeRawcount:
        case kCounterRawcountHex:
        case kCounterLargeRawcountHex:
        case kRawFraction:
        case kLargeRawFraction:
        case kElapsedTime:
        case kCounterNodata:
            return false;
        default:
            return true;
    }
}

bool is_percentage(uint32_t t) noexcept { return (t & kDisplayMask) == kDisplayPercent; }

uint32_t value_kind(uint32_t format) noexcept {
    uint32_t kind = format & (fmt::kLong | fmt::kDouble | fmt::kLarge);
    if (kind != fmt::kLong && kind != fmt::kDouble && kind != fmt::kLarge) return 0;
    return kind;
}

CalculatedValue calculate(uint32_t type, const RawSample& now, const RawSample* previous, uint32_t format,
                          int scale) noexcept {
    if (!status::is_success(now.status)) return {now.status, 0.0};
    CalculatedValue v = raw_value(type, now, previous);
    if (v.status != status::kValidData) return {v.status, 0.0};
    if (is_percentage(type) && !(format & fmt::kNoCap100) && v.value > 100.0) v.value = 100.0;
    if (!(format & fmt::kNoScale) && scale != 0) v.value *= std::pow(10.0, scale);
    if (format & fmt::k1000) v.value *= 1000.0;
    return v;
}

}  // namespace w32::pdh
