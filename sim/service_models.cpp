#include "sim/service_models.h"

namespace twikit::sim {

const std::vector<ServiceSpec>& service_catalog() {
  static const std::vector<ServiceSpec> catalog{
      {"session_manager", "TwikitSessionManager", "1.4.2", {"postgres", "redis"}, "", 0,
       session_manager_model()},
      {"proxy_rotation", "ProxyRotationManager", "2.1.0", {"redis"}, "/metrics/proxies/pool", 8,
       proxy_rotation_model()},
      {"rate_limit", "GlobalRateLimitCoordinator", "1.7.3", {"redis"}, "", 0, rate_limit_model()},
      {"anti_detection", "EnterpriseAntiDetectionManager", "3.0.1", {"postgres", "fingerprint_store"}, "", 0,
       anti_detection_model()},
      {"account_health", "AccountHealthMonitor", "1.2.8", {"postgres", "twitter_api"}, "", 0,
       account_health_model()},
      {"emergency_stop", "EmergencyStopSystem", "1.0.4", {"redis"}, "", 0, emergency_stop_model()},
      {"content_safety", "ContentSafetyFilter", "2.3.0", {"moderation_model", "postgres"}, "", 0,
       content_safety_model()},
      {"connection_pool", "TwikitConnectionPool", "1.5.6", {"twitter_api"}, "", 0, connection_pool_model()},
      {"retry_engine", "IntelligentRetryEngine", "1.9.0", {"redis"}, "/metrics/circuitBreakers", 4,
       retry_engine_model()},
      {"campaign_orchestrator", "CampaignOrchestrator", "2.0.2", {"postgres", "redis", "scheduler"},
       "/metrics/campaigns/list", 5, campaign_orchestrator_model()},
  };
  return catalog;
}

}  // namespace twikit::sim
