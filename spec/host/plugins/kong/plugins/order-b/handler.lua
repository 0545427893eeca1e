return require("host_test_order")("order-b", 800)
