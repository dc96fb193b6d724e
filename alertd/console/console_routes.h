#pragma once
// The web console on a WebRouter: / is the single-page console, /console/<file> its embedded assets.

#include <functional>
#include <string>
#include <string_view>

#include "alertd/console/console_assets.h"
#include "common/web_router.h"

namespace twikit::console {

/// The Content-Type served for an asset path, from its extension (application/octet-stream when unknown).
std::string_view content_type_for(std::string_view path);

/// The Content-Security-Policy of the console's pages: scripts, styles and images from alertd only, no
/// inline script, connections to alertd only (its WebSocket on `host`, when `host` is a plain host[:port]).
std::string content_security_policy(std::string_view host);

/// The embedded asset at `path` ("js/app.js"), or nullptr.
const EmbeddedAsset* find_asset(std::string_view path);

/// Adds GET (and HEAD) / (the console's index.html) and the prefix /console/ (every embedded asset) to
/// `router`: correct Content-Type, an ETag with `Cache-Control: no-cache` (revalidated, 304 on a matching
/// If-None-Match), the CSP above, nosniff and no referrer. Unknown assets answer 404 in plain text.
/// /console/settings.json answers `{"tokenRequired":…}` from `token_required` (called per request, so a
/// reload that sets a token shows), telling the page to ask for the token before it opens the WebSocket.
void add_console_routes(WebRouter& router, std::function<bool()> token_required);

}  // namespace twikit::console
