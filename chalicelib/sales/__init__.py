"""Sales: carts, checkout, orders, payments and tickets."""
