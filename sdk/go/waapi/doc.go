// WhatsApp gateway instances on waapi.app.
package waapi
