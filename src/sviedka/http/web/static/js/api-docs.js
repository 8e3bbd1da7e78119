/* Sviedka: starts Swagger UI on the API docs page (/api/v1/docs). A file of its own, not an
   inline script, so that the page's Content-Security-Policy allows scripts from this server
   only. The page names the OpenAPI document in data-openapi-url. */
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null /* no badge fetched from validator.swagger.io */
  });
})();
