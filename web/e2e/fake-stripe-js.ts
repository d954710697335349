// Tests only: a stand-in for Stripe.js v3 (https://js.stripe.com/v3/), served by page.route in the browser tests
// because this machine cannot reach Stripe. It implements only what the reference storefront calls (lib/stripe.ts):
// Stripe(pk) → { elements({ clientSecret, appearance }) → { create("payment") → { mount, on, destroy } },
// confirmPayment({ elements, redirect, confirmParams }) }. Its Payment Element is a labelled card-number field
// rendered into the mount node (no iframe), so axe sees it as a buyer would. confirmPayment POSTs, as Stripe.js
// does, to https://api.stripe.com/v1/payment_intents/<id>/confirm (form-encoded: client_secret, key, the card), which
// the test answers through the server-side FakeStripe (src/modules/payments/stripe/stripe.testkit.ts); it resolves
// { paymentIntent } or { error } like Stripe.js, and follows a `redirect_to_url` next action by leaving the page.
export const FAKE_STRIPE_JS = String.raw`(function () {
  "use strict";
  var seq = 0;
  function Stripe(pk) {
    if (typeof pk !== "string" || pk.indexOf("pk_") !== 0) throw new Error("IntegrationError: Invalid API Key provided: " + pk);
    function elements(options) {
      if (!options || typeof options.clientSecret !== "string") throw new Error("IntegrationError: elements() needs a clientSecret");
      var group = { clientSecret: options.clientSecret, element: null };
      group.create = function (type) {
        if (type !== "payment") throw new Error("fake Stripe.js: only the payment element is implemented");
        var handlers = {};
        var root = null;
        var input = null;
        var el = {
          mount: function (node) {
            if (!(node instanceof HTMLElement)) throw new Error("IntegrationError: mount() needs a DOM element");
            var id = "fake-stripe-card-" + ++seq;
            root = document.createElement("div");
            root.className = "fake-stripe-payment-element";
            var label = document.createElement("label");
            label.className = "label";
            label.htmlFor = id;
            label.textContent = "Card number";
            input = document.createElement("input");
            input.id = id;
            input.className = "input tabular";
            input.name = "cardnumber";
            input.autocomplete = "cc-number";
            input.inputMode = "numeric";
            root.appendChild(label);
            root.appendChild(input);
            node.appendChild(root);
            setTimeout(function () { (handlers.ready || []).forEach(function (h) { h({ elementType: "payment" }); }); }, 0);
          },
          on: function (event, handler) { (handlers[event] = handlers[event] || []).push(handler); return el; },
          unmount: function () { if (root && root.parentNode) root.parentNode.removeChild(root); },
          destroy: function () { el.unmount(); root = null; input = null; group.element = null; },
          value: function () { return input ? input.value : ""; }
        };
        group.element = el;
        return el;
      };
      return group;
    }
    function confirmPayment(options) {
      var group = options && options.elements;
      if (!group || !group.element) return Promise.reject(new Error("IntegrationError: confirmPayment() needs elements with a mounted Payment Element"));
      var secret = group.clientSecret;
      var number = group.element.value().replace(/[\s-]/g, "");
      if (number === "") return Promise.resolve({ error: { type: "validation_error", code: "incomplete_number", message: "Your card number is incomplete." } });
      var returnUrl = options.confirmParams && options.confirmParams.return_url;
      if (!returnUrl) return Promise.reject(new Error("IntegrationError: confirmParams.return_url is required"));
      var body = new URLSearchParams();
      body.set("key", pk);
      body.set("client_secret", secret);
      body.set("return_url", returnUrl);
      body.set("payment_method_data[type]", "card");
      body.set("payment_method_data[card][number]", number);
      var id = secret.split("_secret_")[0];
      return fetch("https://api.stripe.com/v1/payment_intents/" + encodeURIComponent(id) + "/confirm", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: body.toString()
      }).then(function (res) {
        return res.json().then(function (json) {
          if (!res.ok) return { error: json.error };
          var next = json.next_action;
          if (json.status === "requires_action" && next && next.type === "redirect_to_url") {
            window.location.assign(next.redirect_to_url.url);
            return new Promise(function () {}); // the page is leaving, as with Stripe.js
          }
          return { paymentIntent: json };
        });
      }, function () {
        return { error: { type: "api_connection_error", message: "We could not connect to Stripe. Check your connection and try again." } };
      });
    }
    return { elements: elements, confirmPayment: confirmPayment };
  }
  window.Stripe = Stripe;
})();
`;
