return require("host_test_order")("order-a", 900)
