"""Building blocks of the demo firm generator (`demo_odoo.generator`)."""
