// The session ended (signed out in another tab, or expired): the server answers this page's
// requests with 401. Reload, so that the server sends the browser to the sign-in page, which
// brings it back to this same view (the view lives in the query string) afterwards.
// Several callbacks meet the 401 at once: one reload, or each would abort the one before.
(function () {
    const originalFetch = window.fetch.bind(window);
    let reloading = false;
    window.fetch = function (...args) {
        return originalFetch(...args).then(function (response) {
            if (response.status === 401 && !reloading && new URL(response.url).origin === window.location.origin) {
                reloading = true;
                window.location.reload();
            }
            return response;
        });
    };
})();
