// When the session has ended (it expired, the user logged out in another tab or was
// removed), the server answers the dashboard's requests with 401: go to the login page,
// and come back to this view after logging in.
(function () {
  const fetchBefore = window.fetch;
  window.fetch = function (...args) {
    return fetchBefore.apply(this, args).then(function (response) {
      if (response.status === 401 && response.url.indexOf("/_dash-") !== -1) {
        const here = window.location.pathname + window.location.search;
        const lang = new URLSearchParams(window.location.search).get("lang") || "zh";
        window.location.assign(
          "/login?" + new URLSearchParams({ lang: lang, next: here, expired: "1" })
        );
      }
      return response;
    });
  };
})();
