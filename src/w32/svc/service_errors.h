// The Win32 error codes of the service control manager (winerror.h).
#pragma once

#include <cstdint>

namespace w32::svc::err {

inline constexpr uint32_t kDependentServicesRunning = 1051;
inline constexpr uint32_t kInvalidServiceControl = 1052;
inline constexpr uint32_t kServiceRequestTimeout = 1053;
inline constexpr uint32_t kServiceNoThread = 1054;
inline constexpr uint32_t kServiceDatabaseLocked = 1055;
inline constexpr uint32_t kServiceAlreadyRunning = 1056;
inline constexpr uint32_t kInvalidServiceAccount = 1057;
inline constexpr uint32_t kServiceDisabled = 1058;
inline constexpr uint32_t kCircularDependency = 1059;
inline constexpr uint32_t kServiceDoesNotExist = 1060;
inline constexpr uint32_t kServiceCannotAcceptCtrl = 1061;
inline constexpr uint32_t kServiceNotActive = 1062;
inline constexpr uint32_t kFailedServiceControllerConnect = 1063;
inline constexpr uint32_t kExceptionInService = 1064;
inline constexpr uint32_t kServiceSpecificError = 1066;
inline constexpr uint32_t kProcessAborted = 1067;
inline constexpr uint32_t kServiceDependencyFail = 1068;
inline constexpr uint32_t kServiceLogonFailed = 1069;
inline constexpr uint32_t kServiceStartHang = 1070;
inline constexpr uint32_t kInvalidServiceLock = 1071;
inline constexpr uint32_t kServiceMarkedForDelete = 1072;
inline constexpr uint32_t kServiceExists = 1073;
inline constexpr uint32_t kServiceDependencyDeleted = 1075;
inline constexpr uint32_t kDuplicateServiceName = 1078;
inline constexpr uint32_t kServiceNeverStarted = 1077;
inline constexpr uint32_t kShutdownInProgress = 1115;
inline constexpr uint32_t kServiceNotInExe = 1083;
inline constexpr uint32_t kRpcServerUnavailable = 1722;
inline constexpr uint32_t kInvalidServiceName = 123;  // ERROR_INVALID_NAME
inline constexpr uint32_t kInvalidLevel = 124;

}  // namespace w32::svc::err
