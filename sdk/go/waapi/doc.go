// WhatsApp gateway instances on waapi.app, and the WhatsApp groups of their lines.
package waapi
